/**
 * The architecture fields the encoder reads, named as in Hugging Face's config.json so the io
 * engineer's `BertConfig` (hf/) is assignable to it.
 */
export interface BertArchConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  initializer_range?: number;
  pad_token_id?: number;
  num_labels?: number;
  problem_type?: string | null;
  [key: string]: unknown;
}

/** Model sizes used by pretraining and the benchmark (Turc et al. 2019, "Well-Read Students Learn Better"). */
export const BERT_PRESETS = {
  tiny: { hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512 },
  mini: { hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, intermediate_size: 1024 },
  small: { hidden_size: 512, num_hidden_layers: 4, num_attention_heads: 8, intermediate_size: 2048 },
} as const;
export type BertPresetName = keyof typeof BERT_PRESETS;

/** A complete config for a preset size and vocabulary. */
export function presetConfig(preset: BertPresetName, vocabSize: number, maxPositions = 512): BertArchConfig {
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    vocab_size: vocabSize,
    ...BERT_PRESETS[preset],
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: maxPositions,
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  };
}

/** Checks the fields the encoder depends on; errors name the field. */
export function validateArch(c: BertArchConfig, source = 'config'): void {
  for (const key of [
    'vocab_size',
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
    'max_position_embeddings',
    'type_vocab_size',
  ] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v <= 0)
      throw new Error(`${source}: ${key} must be a positive integer, got ${String(v)}`);
  }
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new Error(
      `${source}: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`,
    );
  }
  if (!['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'].includes(c.hidden_act)) {
    throw new Error(`${source}: hidden_act "${c.hidden_act}" is not supported (gelu, gelu_new, relu)`);
  }
  const pe = c.position_embedding_type;
  if (pe !== undefined && pe !== 'absolute')
    throw new Error(`${source}: position_embedding_type "${String(pe)}" is not supported`);
}
