import type { BertModel } from '../../bert/model.ts';
import type { TextEncoder } from '../batches.ts';
import { encodeDocuments } from '../long-text.ts';
import {
  assertSequenceHead,
  documentLogits,
  type PredictOptions,
  predict,
  toPredictions,
} from '../predict.ts';
import type { Prediction } from '../types.ts';
import { ReplicaPool } from './pool.ts';

/**
 * `predict` with the rows dealt out over `threads` replica threads (same results; rows in input
 * order). Starting replicas costs about a model load per thread, so sets of at most one batch per
 * thread are predicted on the calling thread.
 */
export async function predictOnThreads(
  model: BertModel,
  tokenizer: TextEncoder,
  texts: readonly string[],
  opts: PredictOptions & { threads?: number } = {},
): Promise<Prediction[]> {
  assertSequenceHead(model);
  const batchSize = opts.batchSize ?? 32;
  const threads = Math.min(opts.threads ?? 1, Math.floor(texts.length / batchSize));
  if (threads <= 1) return predict(model, tokenizer, texts, opts);
  const pieces = encodeDocuments(tokenizer, texts, opts.maxLength ?? 128, opts.longText);
  const pool = await ReplicaPool.start(model, [], null, threads, batchSize, tokenizer.padId);
  try {
    const logits = await pool.logits(pieces.encodings, batchSize);
    return toPredictions(model, documentLogits(model, logits, pieces.owner, texts.length, opts.longText));
  } finally {
    await pool.close();
  }
}
