import { z } from 'zod';
import { InputError } from '../errors/index.ts';

/** Every problem importing or exporting a Hugging Face folder; the message names file and tensor. */
export class HfModelError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'HfModelError';
  }
}

/**
 * Which head a checkpoint carries, as named by transformers' architectures (a sequence-classification
 * head serves either task; `HeadKind` in bert/ is the head of a loaded model).
 */
export type HfHead = 'none' | 'sequence-classification' | 'masked-lm';

export const ARCHITECTURE_HEADS = {
  BertModel: 'none',
  BertForSequenceClassification: 'sequence-classification',
  BertForMaskedLM: 'masked-lm',
} as const satisfies Record<string, HfHead>;
export type BertArchitecture = keyof typeof ARCHITECTURE_HEADS;

export function architectureForHead(head: HfHead): BertArchitecture {
  const found = Object.entries(ARCHITECTURE_HEADS).find(([, h]) => h === head);
  return (found as [BertArchitecture, HfHead])[0];
}

/** Activations the encoder implements (bert/config.ts validateArch accepts the same list). */
export const SUPPORTED_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'] as const;

const positiveInt = z.number().int().positive();
/**
 * Upper bounds on sizes that code loops over or allocates from before any weights are read (a
 * 112 KB config.json with num_hidden_layers 3,000,000 once took the web process down). Far above
 * any BERT in use (BERT-large: 24 layers, 1024 hidden, 30522 vocabulary).
 */
export const CONFIG_LIMITS = {
  num_hidden_layers: 256,
  hidden_size: 16_384,
  num_attention_heads: 256,
  intermediate_size: 65_536,
  vocab_size: 1_000_000,
  max_position_embeddings: 65_536,
  type_vocab_size: 1024,
  num_labels: 100_000,
} as const;
const bounded = (name: keyof typeof CONFIG_LIMITS) => positiveInt.max(CONFIG_LIMITS[name]);
const probability = z.number().min(0).max(1);

/**
 * config.json of a BERT model. Defaults are transformers' BertConfig defaults; unknown keys are
 * kept (and written back on export). `id2label` keys are strings in JSON ("0", "1", …).
 */
export const ZBertConfig = z
  .object({
    model_type: z.string(),
    architectures: z.array(z.string()).optional(),
    vocab_size: bounded('vocab_size').default(30522),
    hidden_size: bounded('hidden_size').default(768),
    num_hidden_layers: bounded('num_hidden_layers').default(12),
    num_attention_heads: bounded('num_attention_heads').default(12),
    intermediate_size: bounded('intermediate_size').default(3072),
    hidden_act: z.string().default('gelu'),
    hidden_dropout_prob: probability.default(0.1),
    attention_probs_dropout_prob: probability.default(0.1),
    max_position_embeddings: bounded('max_position_embeddings').default(512),
    type_vocab_size: bounded('type_vocab_size').default(2),
    initializer_range: z.number().positive().default(0.02),
    layer_norm_eps: z.number().positive().default(1e-12),
    pad_token_id: z.number().int().nonnegative().default(0),
    position_embedding_type: z.string().default('absolute'),
    id2label: z.record(z.string(), z.string()).optional(),
    label2id: z.record(z.string(), z.number().int().nonnegative()).optional(),
    num_labels: bounded('num_labels').optional(),
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
export function headFromConfig(config: BertConfig): HfHead | undefined {
  const arch = config.architectures?.[0];
  return arch === undefined ? undefined : ARCHITECTURE_HEADS[arch as BertArchitecture];
}

/**
 * config.json key where TuneLab keeps a regression model's label range [min, max] (the range of the
 * dataset it was trained on), so scoring it later clamps to that scale and not to whatever file is
 * scored. transformers ignores unknown keys.
 */
export const LABEL_RANGE_FIELD = 'tunelab_label_range';

/**
 * config.json key where TuneLab keeps a multi-item regression model's label range per item (in
 * output order; null where an item has none), so each item's predictions clamp to its own scale.
 */
export const ITEM_RANGES_FIELD = 'tunelab_item_ranges';

/** The stored per-item label ranges of a config, or null when absent or malformed. */
export function itemRangesOfConfig(config: Record<string, unknown>): ([number, number] | null)[] | null {
  const r = config[ITEM_RANGES_FIELD];
  if (!Array.isArray(r)) return null;
  return r.map((x) => (x === null ? null : labelRangeOfConfig({ [LABEL_RANGE_FIELD]: x })));
}

/** The stored label range of a config, or null when it has none (or a malformed one). */
export function labelRangeOfConfig(config: Record<string, unknown>): [number, number] | null {
  const r = config[LABEL_RANGE_FIELD];
  if (!Array.isArray(r) || r.length !== 2) return null;
  const [lo, hi] = r as unknown[];
  return typeof lo === 'number' &&
    typeof hi === 'number' &&
    Number.isFinite(lo) &&
    Number.isFinite(hi) &&
    lo <= hi
    ? [lo, hi]
    : null;
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
export function configForExport(config: BertConfig, head: HfHead, numLabels?: number): BertConfig {
  const out: BertConfig = { ...config, model_type: 'bert', architectures: [architectureForHead(head)] };
  if (head === 'sequence-classification') {
    const n = numLabels ?? config.num_labels ?? 2;
    const keep = config.id2label && Object.keys(config.id2label).length === n;
    const names = keep ? labelNames(config) : Array.from({ length: n }, (_, i) => `LABEL_${i}`);
    out.num_labels = n;
    out.id2label = Object.fromEntries(names.map((name, i) => [String(i), name]));
    out.label2id = Object.fromEntries(names.map((name, i) => [name, i]));
    // One output is regression in transformers whatever the config said; several outputs are
    // regression only when the config was written for exactly these outputs as regression (a
    // multi-item scale: one output per item); a regression config re-headed with n classes is not.
    out.problem_type =
      n === 1 || (config.problem_type === 'regression' && config.num_labels === n)
        ? 'regression'
        : config.problem_type === 'multi_label_classification'
          ? 'multi_label_classification'
          : 'single_label_classification';
  }
  return out;
}
