import type { F32Tensor, TensorMap } from '../safetensors/index.ts';
import { type BertConfig, type HfHead, HfModelError } from './config.ts';

export interface ExpectedTensor {
  /** Canonical Hugging Face name, e.g. `bert.encoder.layer.0.attention.self.query.weight`. */
  name: string;
  /** PyTorch layout: Linear weights are [out, in]. */
  shape: number[];
  /** Present in some checkpoints of this head and absent in others (the pooler of BertForMaskedLM). */
  optional?: boolean;
}

/**
 * Canonical names and shapes of every tensor of a BERT with the given head, in checkpoint order.
 * Sequence classification has `classifier.weight` [num_labels, H]; masked LM has
 * `cls.predictions.transform.*` and `cls.predictions.bias` [V] (the decoder weight is tied to the
 * word embeddings and not stored); the pooler is optional except for sequence classification (BertForMaskedLM has none, and
 * BertModel can be built without one).
 */
export function expectedBertTensors(
  config: Pick<
    BertConfig,
    | 'hidden_size'
    | 'intermediate_size'
    | 'vocab_size'
    | 'max_position_embeddings'
    | 'type_vocab_size'
    | 'num_hidden_layers'
  > & { num_labels?: number | null },
  head: HfHead,
  numLabels?: number,
): ExpectedTensor[] {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const out: ExpectedTensor[] = [];
  const linear = (name: string, o: number, i: number, optional?: boolean) => {
    out.push({ name: `${name}.weight`, shape: [o, i], ...(optional ? { optional } : {}) });
    out.push({ name: `${name}.bias`, shape: [o], ...(optional ? { optional } : {}) });
  };
  const norm = (name: string) => {
    out.push({ name: `${name}.weight`, shape: [H] });
    out.push({ name: `${name}.bias`, shape: [H] });
  };
  out.push({ name: 'bert.embeddings.word_embeddings.weight', shape: [config.vocab_size, H] });
  out.push({
    name: 'bert.embeddings.position_embeddings.weight',
    shape: [config.max_position_embeddings, H],
  });
  out.push({ name: 'bert.embeddings.token_type_embeddings.weight', shape: [config.type_vocab_size, H] });
  norm('bert.embeddings.LayerNorm');
  for (let l = 0; l < config.num_hidden_layers; l++) {
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
  linear('bert.pooler.dense', H, H, head !== 'sequence-classification');
  if (head === 'sequence-classification') {
    const n = numLabels ?? config.num_labels ?? 2;
    linear('classifier', n, H);
  } else if (head === 'masked-lm') {
    linear('cls.predictions.transform.dense', H, H);
    norm('cls.predictions.transform.LayerNorm');
    out.push({ name: 'cls.predictions.bias', shape: [config.vocab_size] });
  }
  return out;
}

/** Tensors that checkpoints carry but the model does not need: buffers and the NSP head. */
const IGNORABLE = [/(^|\.)embeddings\.position_ids$/, /^cls\.seq_relationship\./];

/**
 * Maps the spellings found in the wild to canonical names: adds the `bert.` prefix that BertModel
 * checkpoints omit, and renames TF-era LayerNorm `gamma`/`beta` to `weight`/`bias`.
 */
export function canonicalTensorName(name: string): string {
  let n = name;
  if (/^(embeddings|encoder|pooler)\./.test(n)) n = `bert.${n}`;
  if (/LayerNorm\.gamma$/.test(n)) n = n.replace(/gamma$/, 'weight');
  if (/LayerNorm\.beta$/.test(n)) n = n.replace(/beta$/, 'bias');
  return n;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export interface NormalisedTensors {
  tensors: TensorMap;
  headKind: HfHead;
  /** Original names dropped as not needed (position_ids buffers, NSP head, tied decoder copies). */
  ignored: string[];
}

/**
 * Renames a checkpoint's tensors to canonical names, infers the head from them (classifier.* →
 * sequence classification, cls.predictions.* → masked LM), checks it against `architectures`, and
 * checks every expected tensor is present with the shape the config implies. Refuses unknown
 * tensors, duplicates after renaming, and missing or misshapen ones, naming the tensor and the
 * expected vs actual shape.
 */
export function normaliseBertTensors(raw: TensorMap, config: BertConfig, source: string): NormalisedTensors {
  const tensors: TensorMap = new Map();
  const origin = new Map<string, string>();
  const ignored: string[] = [];
  for (const [name, t] of raw) {
    if (IGNORABLE.some((re) => re.test(name))) {
      ignored.push(name);
      continue;
    }
    const canonical = canonicalTensorName(name);
    const first = origin.get(canonical);
    if (first !== undefined) {
      throw new HfModelError(`${source}: tensors "${first}" and "${name}" both map to "${canonical}"`);
    }
    origin.set(canonical, name);
    tensors.set(canonical, t);
  }
  resolveTiedDecoder(tensors, config, source, ignored);

  const hasClassifier = tensors.has('classifier.weight') || tensors.has('classifier.bias');
  const hasMlm = [...tensors.keys()].some((n) => n.startsWith('cls.predictions.'));
  if (hasClassifier && hasMlm) {
    throw new HfModelError(`${source}: has both a classifier and cls.predictions head; expected one head`);
  }
  const inferred: HfHead = hasClassifier ? 'sequence-classification' : hasMlm ? 'masked-lm' : 'none';
  const declared = config.architectures?.[0];
  const declaredHead = declared === undefined ? undefined : headOf(declared);
  if (declaredHead !== undefined && declaredHead !== inferred) {
    const needs =
      declaredHead === 'sequence-classification'
        ? 'classifier.weight'
        : declaredHead === 'masked-lm'
          ? 'cls.predictions.bias'
          : 'no head tensors';
    throw new HfModelError(
      `${source}: config.json says ${declared}, which needs ${needs}, but the weights hold a ${inferred} head`,
    );
  }
  const numLabels = hasClassifier ? tensors.get('classifier.weight')?.shape[0] : undefined;
  if (numLabels !== undefined && config.num_labels !== undefined && numLabels !== config.num_labels) {
    throw new HfModelError(
      `${source}: tensor "classifier.weight" has ${numLabels} rows but config.json has num_labels ${config.num_labels}`,
    );
  }
  // Check sizes against the tensors present before building the list of expected ones from them.
  const layers = encoderLayerCount(tensors.keys());
  if (layers !== config.num_hidden_layers) {
    throw new HfModelError(
      `${source}: config.json has num_hidden_layers ${config.num_hidden_layers} but the weights hold ${layers} encoder layer(s)`,
    );
  }
  const expected = expectedBertTensors(config, inferred, numLabels);
  const expectedNames = new Set(expected.map((e) => e.name));
  for (const e of expected) {
    const t = tensors.get(e.name);
    if (t === undefined) {
      if (e.optional) continue;
      throw new HfModelError(
        `${source}: tensor "${e.name}" is missing (expected shape [${e.shape.join(', ')}])`,
      );
    }
    if (!sameShape(t.shape, e.shape)) {
      const from = origin.get(e.name) === e.name ? '' : ` (stored as "${origin.get(e.name)}")`;
      throw new HfModelError(
        `${source}: tensor "${e.name}"${from} has shape [${t.shape.join(', ')}], expected [${e.shape.join(', ')}] from config.json`,
      );
    }
  }
  const unknown = [...tensors.keys()].filter((n) => !expectedNames.has(n));
  if (unknown.length > 0) {
    throw new HfModelError(
      `${source}: ${unknown.length} tensor(s) not part of a BERT ${inferred} model: ${unknown
        .slice(0, 5)
        .map((n) => `"${origin.get(n)}"`)
        .join(', ')}`,
    );
  }
  // Return in canonical order so exports are stable whatever order the checkpoint used.
  const ordered: TensorMap = new Map();
  for (const e of expected) {
    const t = tensors.get(e.name);
    if (t) ordered.set(e.name, t);
  }
  return { tensors: ordered, headKind: inferred, ignored };
}

/** Encoder layers in a checkpoint: one more than the highest `bert.encoder.layer.<i>` index. */
function encoderLayerCount(names: Iterable<string>): number {
  let count = 0;
  for (const name of names) {
    const index = /^bert\.encoder\.layer\.(\d{1,9})\./.exec(name)?.[1];
    if (index !== undefined) count = Math.max(count, Number(index) + 1);
  }
  return count;
}

function headOf(architecture: string): HfHead | undefined {
  if (architecture === 'BertModel') return 'none';
  if (architecture === 'BertForSequenceClassification') return 'sequence-classification';
  if (architecture === 'BertForMaskedLM') return 'masked-lm';
  return undefined;
}

/**
 * The MLM decoder is tied to the word embeddings (weight) and to cls.predictions.bias (bias); some
 * checkpoints store the copies. Drop copies that agree; refuse an untied decoder we could not honour.
 */
function resolveTiedDecoder(tensors: TensorMap, config: BertConfig, source: string, ignored: string[]): void {
  const weight = tensors.get('cls.predictions.decoder.weight');
  if (weight) {
    const emb = tensors.get('bert.embeddings.word_embeddings.weight');
    if (config.tie_word_embeddings === false || (emb && !sameValues(weight, emb))) {
      throw new HfModelError(
        `${source}: tensor "cls.predictions.decoder.weight" is not tied to the word embeddings; untied MLM decoders are not supported`,
      );
    }
    tensors.delete('cls.predictions.decoder.weight');
    ignored.push('cls.predictions.decoder.weight');
  }
  const bias = tensors.get('cls.predictions.decoder.bias');
  if (bias) {
    const own = tensors.get('cls.predictions.bias');
    if (own && !sameValues(bias, own)) {
      throw new HfModelError(
        `${source}: tensors "cls.predictions.decoder.bias" and "cls.predictions.bias" differ; they should be tied`,
      );
    }
    if (!own) tensors.set('cls.predictions.bias', bias);
    tensors.delete('cls.predictions.decoder.bias');
    ignored.push('cls.predictions.decoder.bias');
  }
}

function sameValues(a: F32Tensor, b: F32Tensor): boolean {
  if (!sameShape(a.shape, b.shape)) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}
