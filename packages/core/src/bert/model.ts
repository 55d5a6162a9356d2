import * as tf from '@tensorflow/tfjs-core';
import { ITEM_RANGES_FIELD, LABEL_RANGE_FIELD } from '../hf/config.ts';
import type { F32Tensor, TensorMap } from '../safetensors/index.ts';
import { type BertArchConfig, validateArch } from './config.ts';
import { bertTensorShapes, type HeadKind } from './params.ts';
import { Rng } from './rng.ts';

let nextModelId = 0;

export interface BuildOptions {
  head: HeadKind;
  /** Classification classes; regression outputs (one per item of a multi-item scale; default 1). */
  numLabels?: number;
  /** Seed for tensors that must be initialised (new heads, or everything when random). */
  seed?: number;
  /** Initialise every tensor missing from `tensors` instead of failing (pretraining from scratch). */
  allowMissing?: boolean;
  /** Where the tensors came from, for error messages. */
  source?: string;
}

/**
 * A BERT encoder with one head, held as tfjs variables keyed by canonical Hugging Face tensor names
 * ("bert.encoder.layer.0.attention.self.query.weight", …) in Hugging Face layouts (Linear weights
 * [out, in]), so import and export are name-for-name copies.
 */
export class BertModel {
  readonly params = new Map<string, tf.Variable>();
  readonly numLabels: number;
  /** Classification: class names in label order, saved as id2label (default LABEL_i). */
  labelNames: string[] | null = null;
  /** Regression: the label range [min, max] it was trained for, saved in config.json (see LABEL_RANGE_FIELD). */
  labelRange: [number, number] | null = null;
  /**
   * Head tensors `fromTensors` initialised because the source lacked them or their shape did not
   * fit (a base checkpoint's classifier): non-empty means the head is untrained.
   */
  readonly initialisedHead: string[] = [];
  /** Multi-item regression: the items' names in output order (saved as id2label), null for one output. */
  itemNames: string[] | null = null;
  /** Multi-item regression: each item's label range in output order (saved as ITEM_RANGES_FIELD). */
  itemRanges: ([number, number] | null)[] | null = null;
  private readonly id = nextModelId++;

  private constructor(
    readonly config: BertArchConfig,
    readonly head: HeadKind,
    numLabels: number,
  ) {
    this.numLabels = numLabels;
  }

  /**
   * Builds a model from tensors (for example `importHfModel(dir).tensors`). Head tensors that are
   * absent, or whose shape does not fit the requested label space, are initialised from
   * N(0, initializer_range) with `seed` (biases 0); any other missing or misshapen tensor is an
   * error unless `allowMissing`. Extra tensors (another head, position ids) are ignored.
   */
  static fromTensors(config: BertArchConfig, tensors: TensorMap, opts: BuildOptions): BertModel {
    const source = opts.source ?? 'model';
    validateArch(config, source);
    const numLabels =
      opts.head === 'regression' ? (opts.numLabels ?? 1) : (opts.numLabels ?? config.num_labels ?? 2);
    const model = new BertModel(config, opts.head, numLabels);
    const rng = new Rng(opts.seed ?? 42);
    const std = config.initializer_range ?? 0.02;
    for (const [name, shape] of bertTensorShapes(config, opts.head, model.numLabels)) {
      const given = tensors.get(name);
      const fits = given !== undefined && sameShape(given.shape, shape);
      const isHead =
        name.startsWith('classifier.') || name.startsWith('cls.') || name.startsWith('bert.pooler.');
      let data: Float32Array;
      if (fits) {
        data = given.data;
      } else if (isHead || opts.allowMissing) {
        data = initTensor(name, shape, std, rng, config.pad_token_id);
        if (isHead) model.initialisedHead.push(name);
      } else if (given === undefined) {
        throw new Error(`${source}: tensor ${name} is missing`);
      } else {
        throw new Error(`${source}: tensor ${name} has shape [${given.shape}], expected [${shape}]`);
      }
      // tidy disposes the initial tensor; the variable keeps its own reference to the data.
      model.params.set(
        name,
        tf.tidy(() => tf.variable(tf.tensor(data, shape, 'float32'), true, `m${model.id}/${name}`)),
      );
    }
    return model;
  }

  /** A freshly initialised model (BERT's initialisation: N(0, 0.02) weights, zero biases, unit LayerNorm). */
  static random(config: BertArchConfig, opts: Omit<BuildOptions, 'allowMissing'>): BertModel {
    return BertModel.fromTensors(config, new Map(), { ...opts, allowMissing: true });
  }

  param(name: string): tf.Variable {
    const v = this.params.get(name);
    if (v === undefined) throw new Error(`model has no tensor ${name} (head ${this.head})`);
    return v;
  }

  /** Copies the weights out, keyed by canonical names. */
  toTensorMap(): TensorMap {
    const out: TensorMap = new Map();
    for (const [name, v] of this.params)
      out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return out;
  }

  /** Overwrites weights from a map with the same names and shapes (checkpoint restore). */
  assign(tensors: TensorMap, source = 'checkpoint'): void {
    for (const [name, v] of this.params) {
      const t = tensors.get(name);
      if (t === undefined || !sameShape(t.shape, v.shape))
        throw new Error(`${source}: tensor ${name} is missing or misshapen`);
      tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, 'float32')));
    }
  }

  /** Config to save with the weights (num_labels and problem_type follow the head). */
  exportConfig(): BertArchConfig {
    const c: BertArchConfig = { ...this.config };
    delete c[LABEL_RANGE_FIELD];
    delete c[ITEM_RANGES_FIELD];
    if (this.head === 'regression') {
      if (this.labelRange) c[LABEL_RANGE_FIELD] = [...this.labelRange];
      if (this.numLabels > 1 && this.itemRanges)
        c[ITEM_RANGES_FIELD] = this.itemRanges.map((r) => r && [...r]);
      Object.assign(c, {
        architectures: ['BertForSequenceClassification'],
        num_labels: this.numLabels,
        problem_type: 'regression',
      });
      // One output per item, named by the item (transformers' id2label), LABEL_i when unnamed.
      const names = Array.from({ length: this.numLabels }, (_, i) => this.itemNames?.[i] ?? `LABEL_${i}`);
      c.id2label = Object.fromEntries(names.map((l, i) => [i, l]));
      c.label2id = Object.fromEntries(names.map((l, i) => [l, i]));
    } else if (this.head === 'classification') {
      const labels = Array.from({ length: this.numLabels }, (_, i) => this.labelNames?.[i] ?? `LABEL_${i}`);
      Object.assign(c, {
        architectures: ['BertForSequenceClassification'],
        num_labels: this.numLabels,
        problem_type: 'single_label_classification',
        id2label: Object.fromEntries(labels.map((l, i) => [i, l])),
        label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
      });
    } else if (this.head === 'masked-lm') {
      c.architectures = ['BertForMaskedLM'];
    }
    return c;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function initTensor(name: string, shape: number[], std: number, rng: Rng, padId = 0): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  if (name.includes('LayerNorm') && name.endsWith('.weight')) return data.fill(1);
  if (name.endsWith('bias')) return data;
  for (let i = 0; i < n; i++) data[i] = std * rng.normal();
  // As in transformers, the padding row of the word embeddings starts at zero.
  if (name === 'bert.embeddings.word_embeddings.weight' && padId >= 0 && padId < (shape[0] ?? 0)) {
    const H = shape[1] ?? 0;
    data.fill(0, padId * H, (padId + 1) * H);
  }
  return data;
}

export type { F32Tensor };
