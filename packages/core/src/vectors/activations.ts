// What fine-tuning changed in the representations, layer by layer: linear CKA between the hidden
// states of the base and each fine-tune (and between fine-tunes) on the same sample of texts.
import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, encode } from '../bert/encoder.ts';
import { BertModel } from '../bert/model.ts';
import { importHfModel } from '../hf/index.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { chunks, padBatch, type TextEncoder } from '../train/batches.ts';
import { VectorsError } from './analyze.ts';
import { linearCka } from './cka.ts';

export interface ActivationsReport {
  /** How many texts the models ran on. */
  rows: number;
  /** 'embeddings', then 'layer 0' … 'layer N−1' (the layer names of the tensor groups). */
  layers: string[];
  /** CKA(base, tuned k) per layer: [model][layer]; null where a side is constant. */
  baseVsTuned: (number | null)[][];
  /** CKA between tuned models a < b per layer. */
  pairs: { a: number; b: number; cka: (number | null)[] }[];
}

export interface ActivationsOptions {
  /** Tokens per text (longer texts are cut). Default 128. */
  maxLength?: number;
  batchSize?: number;
  /** How messages name the models (default: their folders): base, then tuned. */
  names?: { base: string; tuned: string[] };
  onProgress?: (progress: { done: number; total: number }) => void;
  throwIfCancelled?: () => Promise<void>;
}

/**
 * Hidden states of every layer (embeddings output, then each encoder layer), mean-pooled over each
 * text's real tokens: one rows×hidden float32 matrix per layer. Needs a tfjs backend (initBackend).
 */
export function layerRepresentations(
  model: BertModel,
  tokenizer: TextEncoder,
  texts: readonly string[],
  options: { maxLength?: number; batchSize?: number } = {},
): Float32Array[] {
  const H = model.config.hidden_size;
  const out = Array.from(
    { length: model.config.num_hidden_layers + 1 },
    () => new Float32Array(texts.length * H),
  );
  const encodings = texts.map((t) => tokenizer.encode(t, options.maxLength ?? 128));
  const order = texts.map((_, i) => i);
  for (const rows of chunks(order, options.batchSize ?? 16)) {
    const padded = padBatch(
      rows.map((i) => encodings[i] as Encoding),
      tokenizer.padId,
    );
    const B = rows.length;
    const L = padded.ids[0]?.length ?? 0;
    tf.tidy(() => {
      const batch = batchTensors(padded.ids, padded.mask, padded.types);
      const mask = tf.reshape(batch.attentionMask, [B, L, 1]);
      const counts = tf.maximum(tf.sum(mask, 1), 1);
      encode(model, batch, {
        onHidden: (index, hidden) => {
          const pooled = tf.div(tf.sum(tf.mul(tf.reshape(hidden, [B, L, H]), mask), 1), counts);
          (out[index] as Float32Array).set(pooled.dataSync() as Float32Array, (rows[0] as number) * H);
        },
      });
    });
  }
  return out;
}

/** CKA per layer between the base's representations and each tuned model's, and between tuned pairs. */
export function activationsReport(representations: Float32Array[][], rows: number, hidden: number[]) {
  const [base, ...tuned] = representations as [Float32Array[], ...Float32Array[][]];
  const cka = (a: number, x: Float32Array[], b: number, y: Float32Array[]) =>
    x.map((layer, l) => {
      const v = linearCka(layer, y[l] as Float32Array, rows, hidden[a] as number, hidden[b] as number);
      return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
    });
  const pairs: ActivationsReport['pairs'] = [];
  for (let a = 0; a < tuned.length; a++)
    for (let b = a + 1; b < tuned.length; b++)
      pairs.push({ a, b, cka: cka(a + 1, tuned[a] as Float32Array[], b + 1, tuned[b] as Float32Array[]) });
  return {
    rows,
    layers: base.map((_, l) => (l === 0 ? 'embeddings' : `layer ${l - 1}`)),
    baseVsTuned: tuned.map((reps, k) => cka(0, base, k + 1, reps)),
    pairs,
  } satisfies ActivationsReport;
}

/**
 * Runs the base and each tuned model (Hugging Face folders, one at a time) on the same texts and
 * compares their per-layer representations by linear CKA. Every model needs the same number of
 * encoder layers; each reads the texts with its own tokenizer.
 */
export async function analyzeActivations(
  baseDir: string,
  tunedDirs: string[],
  texts: readonly string[],
  options: ActivationsOptions = {},
): Promise<ActivationsReport> {
  if (texts.length < 2) throw new VectorsError('vectors: CKA needs at least two texts');
  const dirs = [baseDir, ...tunedDirs];
  const names = [options.names?.base ?? baseDir, ...tunedDirs.map((d, k) => options.names?.tuned[k] ?? d)];
  const representations: Float32Array[][] = [];
  const hidden: number[] = [];
  let layers: number | null = null;
  for (const [m, dir] of dirs.entries()) {
    const imported = await importHfModel(dir);
    const config = imported.config;
    if (layers !== null && config.num_hidden_layers !== layers)
      throw new VectorsError(
        `vectors: '${names[m]}' has ${config.num_hidden_layers} layers, '${names[0]}' has ${layers}: CKA compares layer by layer`,
      );
    layers = config.num_hidden_layers;
    const model = BertModel.fromTensors(config, imported.tensors, { head: 'none', source: names[m] });
    try {
      representations.push(layerRepresentations(model, imported.tokenizer, texts, options));
    } finally {
      model.dispose();
    }
    hidden.push(config.hidden_size);
    options.onProgress?.({ done: m + 1, total: dirs.length });
    await options.throwIfCancelled?.();
  }
  return activationsReport(representations, texts.length, hidden);
}
