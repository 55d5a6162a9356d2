import { z } from 'zod';
import { InputError } from '../errors/index.ts';

/** Every problem importing or exporting a Hugging Face folder; the message names file and tensor. */
export class HfModelError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'HfModelError';
  }
}

/** Which head sits on the encoder, as named by transformers' architectures. */
export type HeadKind = 'none' | 'sequence-classification' | 'masked-lm';

export const ARCHITECTURE_HEADS = {
  BertModel: 'none',
  BertForSequenceClassification: 'sequence-classification',
  BertForMaskedLM: 'masked-lm',
} as const satisfies Record<string, HeadKind>;
export type BertArchitecture = keyof typeof ARCHITECTURE_HEADS;

export function architectureForHead(head: HeadKind): BertArchitecture {
  const found = Object.entries(ARCHITECTURE_HEADS).find(([, h]) => h === head);
  return (found as [BertArchitecture, HeadKind])[0];
}

/** Activations the encoder implements (bert/config.ts validateArch accepts the same list). */
export const SUPPORTED_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'] as const;

const positiveInt = z.number().int().positive();
const probability = z.number().min(0).max(1);

/**
 * config.json of a BERT model. Defaults are transformers' BertConfig defaults; unknown keys are
 * kept (and written back on export). `id2label` keys are strings in JSON ("0", "1", …).
 */
export const ZBertConfig = z
  .object({
    model_type: z.string(),
    architectures: z.array(z.string()).optional(),
    vocab_size: positiveInt.default(30522),
    hidden_size: positiveInt.default(768),
    num_hidden_layers: positiveInt.default(12),
    num_attention_heads: positiveInt.default(12),
    intermediate_size: positiveInt.default(3072),
    hidden_act: z.string().default('gelu'),
    hidden_dropout_prob: probability.default(0.1),
    attention_probs_dropout_prob: probability.default(0.1),
    max_position_embeddings: positiveInt.default(512),
    type_vocab_size: positiveInt.default(2),
    initializer_range: z.number().positive().default(0.02),
    layer_norm_eps: z.number().positive().default(1e-12),
    pad_token_id: z.number().int().nonnegative().default(0),
    position_embedding_type: z.string().default('absolute'),
    id2label: z.record(z.string(), z.string()).optional(),
    label2id: z.record(z.string(), z.number().int().nonnegative()).optional(),
    num_labels: positiveInt.optional(),
    problem_type: z
      .enum(['regression', 'single_label_classification', 'multi_label_classification'])
      .nullable()
      .optional(),
    tie_word_embeddings: z.boolean().optional(),
  })
  .loose();
export type BertConfig = z.infer<typeof ZBertConfig>;
/** Alias following the ZThing/TThing convention. */
export type TBertConfig = BertConfig;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Validates a parsed config.json: model_type "bert", known architectures, supported activation and
 * position embeddings, hidden_size divisible by heads, consistent labels. `num_labels` is filled in
 * from id2label (transformers derives it the same way) so callers can rely on it.
 */
export function parseBertConfig(json: unknown, source = 'config.json'): BertConfig {
  const parsed = ZBertConfig.safeParse(json);
  if (!parsed.success) throw new HfModelError(`${source}: ${describe(parsed.error)}`);
  const c = parsed.data;
  if (c.model_type !== 'bert') {
    throw new HfModelError(`${source}: model_type "${c.model_type}" is not supported; only "bert" is`);
  }
  for (const arch of c.architectures ?? []) {
    if (!Object.hasOwn(ARCHITECTURE_HEADS, arch)) {
      throw new HfModelError(
        `${source}: architecture "${arch}" is not supported (supported: ${Object.keys(ARCHITECTURE_HEADS).join(', ')})`,
      );
    }
  }
  if ((c.architectures?.length ?? 0) > 1) {
    throw new HfModelError(
      `${source}: several architectures ${JSON.stringify(c.architectures)}; expected one`,
    );
  }
  if (!(SUPPORTED_ACTIVATIONS as readonly string[]).includes(c.hidden_act)) {
    throw new HfModelError(
      `${source}: hidden_act "${c.hidden_act}" is not supported (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`,
    );
  }
  if (c.position_embedding_type !== 'absolute') {
    throw new HfModelError(
      `${source}: position_embedding_type "${c.position_embedding_type}" is not supported; only "absolute" is`,
    );
  }
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new HfModelError(
      `${source}: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`,
    );
  }
  if (c.id2label) {
    const n = Object.keys(c.id2label).length;
    for (let i = 0; i < n; i++) {
      if (!Object.hasOwn(c.id2label, String(i))) {
        throw new HfModelError(`${source}: id2label has ${n} entries but no key "${i}"`);
      }
    }
    if (c.num_labels !== undefined && c.num_labels !== n) {
      throw new HfModelError(`${source}: num_labels ${c.num_labels} disagrees with id2label (${n} labels)`);
    }
    c.num_labels = n;
  }
  return c;
}

/** The head named by `architectures`, or undefined when the config names none. */
export function headFromConfig(config: BertConfig): HeadKind | undefined {
  const arch = config.architectures?.[0];
  return arch === undefined ? undefined : ARCHITECTURE_HEADS[arch as BertArchitecture];
}

/** Label names in id order: id2label when given, else LABEL_0…LABEL_{n−1} as transformers does. */
export function labelNames(config: BertConfig): string[] {
  const n = config.num_labels ?? (config.id2label ? Object.keys(config.id2label).length : 2);
  return Array.from({ length: n }, (_, i) => config.id2label?.[String(i)] ?? `LABEL_${i}`);
}

/**
 * The config to save with weights: architectures from the head, and for sequence classification
 * num_labels, id2label, label2id and problem_type (regression for one output, else single-label
 * classification unless multi-label was set), the fields transformers reads to rebuild the head.
 */
export function configForExport(config: BertConfig, head: HeadKind, numLabels?: number): BertConfig {
  const out: BertConfig = { ...config, model_type: 'bert', architectures: [architectureForHead(head)] };
  if (head === 'sequence-classification') {
    const n = numLabels ?? config.num_labels ?? 2;
    const keep = config.id2label && Object.keys(config.id2label).length === n;
    const names = keep ? labelNames(config) : Array.from({ length: n }, (_, i) => `LABEL_${i}`);
    out.num_labels = n;
    out.id2label = Object.fromEntries(names.map((name, i) => [String(i), name]));
    out.label2id = Object.fromEntries(names.map((name, i) => [name, i]));
    // One output is regression in transformers whatever the config said; several outputs cannot be.
    out.problem_type =
      n === 1
        ? 'regression'
        : config.problem_type === 'multi_label_classification'
          ? 'multi_label_classification'
          : 'single_label_classification';
  }
  return out;
}
