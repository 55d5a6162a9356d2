import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { readSafetensorsFile } from '../safetensors/index.ts';
import type { BertArchConfig } from './config.ts';
import { batchTensors, classify, encode, pool } from './encoder.ts';
import { BertModel } from './model.ts';

// Reference logits computed in float64 by an independent implementation (fixtures/tiny-bert).
const DIR = new URL('../../../../fixtures/tiny-bert/', import.meta.url).pathname;
interface Reference {
  input_ids: number[][];
  logits: number[][];
  pooler_output: number[][];
  cls_hidden_state: number[][];
}
const ref = JSON.parse(readFileSync(`${DIR}reference.json`, 'utf8')) as Reference;
const config = JSON.parse(readFileSync(`${DIR}config.json`, 'utf8')) as BertArchConfig;

function padded(): { ids: number[][]; mask: number[][] } {
  const L = Math.max(...ref.input_ids.map((r) => r.length));
  return {
    ids: ref.input_ids.map((r) => [...r, ...Array(L - r.length).fill(0)]),
    mask: ref.input_ids.map((r) => [...r.map(() => 1), ...Array(L - r.length).fill(0)]),
  };
}

// Hidden states: worst row-wise relative L2 error (elements near zero make per-element ratios meaningless).
function rowRelL2(got: number[][], want: number[][]): number {
  return Math.max(
    ...want.map((row, i) => {
      let num = 0;
      let den = 0;
      row.forEach((w, j) => {
        num += ((got[i]?.[j] ?? Number.NaN) - w) ** 2;
        den += w * w;
      });
      return Math.sqrt(num / den);
    }),
  );
}

function maxRelErr(got: number[][], want: number[][]): number {
  let worst = 0;
  want.forEach((row, i) => {
    row.forEach((w, j) => {
      const g = got[i]?.[j] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(g - w) / Math.max(Math.abs(w), 1e-3));
    });
  });
  return worst;
}

describe.each(['cpu', 'wasm'])('tiny-bert fixture on %s', { timeout: 30_000 }, (backend) => {
  let model: BertModel;
  beforeAll(async () => {
    await initBackend(backend, () => {});
    const tensors = await readSafetensorsFile(`${DIR}model.safetensors`);
    model = BertModel.fromTensors(config, tensors, { head: 'regression', source: 'tiny-bert' });
  });
  afterAll(() => model.dispose());

  it('reproduces the reference logits (1e-4 relative each) and pooler/[CLS] states (1e-4 relative L2)', () => {
    const { ids, mask } = padded();
    const [logits, pooled, cls] = tf.tidy(() => {
      const batch = batchTensors(ids, mask);
      const seq = encode(model, batch);
      const [B, , H] = seq.shape;
      return [
        classify(model, batch).arraySync(),
        pool(model, seq).arraySync(),
        tf.reshape(tf.slice(seq, [0, 0, 0], [B, 1, H]), [B, H]).arraySync(),
      ] as number[][][];
    });
    expect(rowRelL2(cls as number[][], ref.cls_hidden_state)).toBeLessThan(1e-4);
    expect(rowRelL2(pooled as number[][], ref.pooler_output)).toBeLessThan(1e-4);
    expect(maxRelErr(logits as number[][], ref.logits)).toBeLessThan(1e-4);
  });

  it('gives each row the same logits alone as in the padded batch (mask works)', () => {
    const { ids, mask } = padded();
    const alone = tf.tidy(() =>
      classify(
        model,
        batchTensors([ref.input_ids[1] as number[]], [(ref.input_ids[1] as number[]).map(() => 1)]),
      ).arraySync(),
    );
    const inBatch = tf.tidy(() => classify(model, batchTensors(ids, mask)).arraySync());
    expect(alone[0]?.[0]).toBeCloseTo(inBatch[1]?.[0] as number, 5);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const { ids, mask } = padded();
    tf.tidy(() => classify(model, batchTensors(ids, mask)).dataSync());
    expect(tf.memory().numTensors).toBe(before);
  });
});
