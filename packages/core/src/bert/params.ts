import type { BertArchConfig } from './config.ts';

/** What sits on top of the encoder. */
export type HeadKind = 'regression' | 'classification' | 'masked-lm' | 'none';

/** Canonical (Hugging Face) names and shapes of every tensor of a BERT with the given head. */
export function bertTensorShapes(c: BertArchConfig, head: HeadKind, numLabels = 1): Map<string, number[]> {
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const out = new Map<string, number[]>();
  const linear = (name: string, o: number, i: number) => {
    out.set(`${name}.weight`, [o, i]);
    out.set(`${name}.bias`, [o]);
  };
  const norm = (name: string) => {
    out.set(`${name}.weight`, [H]);
    out.set(`${name}.bias`, [H]);
  };
  out.set('bert.embeddings.word_embeddings.weight', [c.vocab_size, H]);
  out.set('bert.embeddings.position_embeddings.weight', [c.max_position_embeddings, H]);
  out.set('bert.embeddings.token_type_embeddings.weight', [c.type_vocab_size, H]);
  norm('bert.embeddings.LayerNorm');
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `bert.encoder.layer.${l}`;
    linear(`${p}.attention.self.query`, H, H);
    linear(`${p}.attention.self.key`, H, H);
    linear(`${p}.attention.self.value`, H, H);
    linear(`${p}.attention.output.dense`, H, H);
    norm(`${p}.attention.output.LayerNorm`);
    linear(`${p}.intermediate.dense`, I, H);
    linear(`${p}.output.dense`, H, I);
    norm(`${p}.output.LayerNorm`);
  }
  if (head === 'regression' || head === 'classification') {
    linear('bert.pooler.dense', H, H);
    linear('classifier', head === 'regression' ? 1 : numLabels, H);
  } else if (head === 'masked-lm') {
    linear('cls.predictions.transform.dense', H, H);
    norm('cls.predictions.transform.LayerNorm');
    out.set('cls.predictions.bias', [c.vocab_size]);
  } else {
    linear('bert.pooler.dense', H, H);
  }
  return out;
}

/** Names of the classification/regression head, re-initialised when the label space changes. */
export const CLASSIFIER_TENSORS = ['classifier.weight', 'classifier.bias'] as const;

/** No weight decay on biases and LayerNorm weights (BERT's recipe). */
export function isDecayed(name: string): boolean {
  return !(name.endsWith('.bias') || name.includes('LayerNorm') || name === 'cls.predictions.bias');
}

/** Encoder layer index of a tensor name, or -1 (embeddings) / Infinity (pooler, heads). */
export function layerOf(name: string): number {
  if (name.startsWith('bert.embeddings.')) return -1;
  const m = /^bert\.encoder\.layer\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}
