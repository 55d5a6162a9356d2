import * as tf from '@tensorflow/tfjs-core';
import { activation, dropout, layerNorm, linear } from './layers.ts';
import type { BertModel } from './model.ts';

/** A padded batch as the encoder takes it: ids, attention mask (1 real, 0 pad), token types; [B, L]. */
export interface EncoderBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
}

/**
 * Training-time behaviour: dropout rates and a source of per-call seeds (none → no dropout): one
 * seed for the whole tensor, or one per batch row (see `dropout`, `rowSeeder`).
 */
export interface ForwardOptions {
  hiddenDropout?: number;
  attentionDropout?: number;
  nextSeed?: () => number | readonly number[];
  /**
   * Called with each hidden state [B·L, H] inside the caller's tidy: index 0 after the embeddings,
   * l + 1 after encoder layer l (what transformers returns as `hidden_states`).
   */
  onHidden?: (index: number, hidden: tf.Tensor2D) => void;
}

/**
 * Per-call dropout seeds for a batch whose rows carry their own seeds: call k gives every row
 * mixSeed(rowSeed, k), so a row's masks do not depend on which rows it is batched with.
 */
export function rowSeeder(rowSeeds: readonly number[]): () => readonly number[] {
  let call = 0;
  return () => {
    const k = call++;
    return rowSeeds.map((s) => mixSeed(s, k));
  };
}

/** A 32-bit hash of two integers (murmur3's finaliser over a combination): independent-looking seeds. */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ Math.imul((b + 0x7f4a7c15) >>> 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Builds int32/float32 tensors for a padded batch from plain arrays. */
export function batchTensors(ids: number[][], mask: number[][], types?: number[][]): EncoderBatch {
  const b = ids.length;
  const l = ids[0]?.length ?? 0;
  return {
    inputIds: tf.tensor2d(ids.flat(), [b, l], 'int32'),
    attentionMask: tf.tensor2d(mask.flat(), [b, l], 'float32'),
    tokenTypeIds: types ? tf.tensor2d(types.flat(), [b, l], 'int32') : undefined,
  };
}

/**
 * BERT encoder (Devlin et al. 2019), post-LayerNorm as in Hugging Face's BertModel: embeddings
 * (word + position + token type, LayerNorm, dropout) then N layers of multi-head self-attention
 * (softmax(QKᵀ/√d + mask)·V, masked keys get −10⁴ … effectively 0 weight) and a GELU MLP, each with a
 * residual and LayerNorm. Returns the sequence output [B, L, H]. Call inside tf.tidy.
 */
export function encode(model: BertModel, batch: EncoderBatch, opts: ForwardOptions = {}): tf.Tensor3D {
  const c = model.config;
  const p = (name: string) => model.param(name);
  const [B, L] = batch.inputIds.shape;
  const H = c.hidden_size;
  const heads = c.num_attention_heads;
  const dh = H / heads;
  if (L > c.max_position_embeddings) {
    throw new Error(`sequence length ${L} exceeds max_position_embeddings ${c.max_position_embeddings}`);
  }
  const eps = c.layer_norm_eps;
  const hid = opts.hiddenDropout ?? 0;
  const att = opts.attentionDropout ?? 0;
  const seed = () => opts.nextSeed?.();

  const flatIds = tf.reshape(batch.inputIds, [B * L]);
  const words = tf.gather(p('bert.embeddings.word_embeddings.weight'), flatIds);
  const positions = tf.slice(p('bert.embeddings.position_embeddings.weight'), [0, 0], [L, H]);
  const typeIds = batch.tokenTypeIds ? tf.reshape(batch.tokenTypeIds, [B * L]) : tf.zeros([B * L], 'int32');
  const types = tf.gather(p('bert.embeddings.token_type_embeddings.weight'), typeIds);
  let x = tf.add(tf.reshape(tf.add(words, types), [B, L, H]), positions) as tf.Tensor;
  x = layerNorm(x, p('bert.embeddings.LayerNorm.weight'), p('bert.embeddings.LayerNorm.bias'), eps);
  let h = tf.reshape(dropout(x, hid, seed()), [B * L, H]) as tf.Tensor2D;
  opts.onHidden?.(0, h);

  // Additive mask [B, 1, 1, L]: 0 for real tokens, −10000 for padding (as BERT's original code).
  const maskBias = tf.reshape(tf.mul(tf.sub(1, tf.cast(batch.attentionMask, 'float32')), -10000), [
    B,
    1,
    1,
    L,
  ]);
  const scale = 1 / Math.sqrt(dh);
  const splitHeads = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [B, L, heads, dh]), [0, 2, 1, 3]);

  for (let l = 0; l < c.num_hidden_layers; l++) {
    const n = `bert.encoder.layer.${l}`;
    const q = splitHeads(
      tf.mul(linear(h, p(`${n}.attention.self.query.weight`), p(`${n}.attention.self.query.bias`)), scale),
    );
    const k = splitHeads(linear(h, p(`${n}.attention.self.key.weight`), p(`${n}.attention.self.key.bias`)));
    const v = splitHeads(
      linear(h, p(`${n}.attention.self.value.weight`), p(`${n}.attention.self.value.bias`)),
    );
    const scores = tf.add(tf.matMul(q, k, false, true), maskBias);
    const probs = dropout(tf.softmax(scores, -1), att, seed());
    const context = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * L, H]) as tf.Tensor2D;
    const attnOut = dropout(
      linear(context, p(`${n}.attention.output.dense.weight`), p(`${n}.attention.output.dense.bias`)),
      hid,
      seed(),
    );
    const h1 = layerNorm(
      tf.add(attnOut, h),
      p(`${n}.attention.output.LayerNorm.weight`),
      p(`${n}.attention.output.LayerNorm.bias`),
      eps,
    ) as tf.Tensor2D;
    const inter = activation(
      linear(h1, p(`${n}.intermediate.dense.weight`), p(`${n}.intermediate.dense.bias`)),
      c.hidden_act,
    );
    const out = dropout(
      linear(inter as tf.Tensor2D, p(`${n}.output.dense.weight`), p(`${n}.output.dense.bias`)),
      hid,
      seed(),
    );
    h = layerNorm(
      tf.add(out, h1),
      p(`${n}.output.LayerNorm.weight`),
      p(`${n}.output.LayerNorm.bias`),
      eps,
    ) as tf.Tensor2D;
    opts.onHidden?.(l + 1, h);
  }
  return tf.reshape(h, [B, L, H]);
}

/** Pooler: tanh(W·h[CLS] + b) on the first token, [B, H]. */
export function pool(model: BertModel, sequence: tf.Tensor3D): tf.Tensor2D {
  const [B, , H] = sequence.shape;
  const cls = tf.reshape(tf.slice(sequence, [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
  return tf.tanh(linear(cls, model.param('bert.pooler.dense.weight'), model.param('bert.pooler.dense.bias')));
}

/** Sequence classification / regression logits [B, numLabels] (dropout on the pooled output, as HF). */
export function classify(model: BertModel, batch: EncoderBatch, opts: ForwardOptions = {}): tf.Tensor2D {
  const pooled = dropout(pool(model, encode(model, batch, opts)), opts.hiddenDropout ?? 0, opts.nextSeed?.());
  return linear(pooled, model.param('classifier.weight'), model.param('classifier.bias'));
}

/**
 * Masked-LM logits [N, vocab] at the given flat positions (row·L + column) of the batch: transform
 * (dense, activation, LayerNorm), then the decoder tied to the word embeddings plus a bias.
 * Scoring only the masked positions keeps the vocab-sized product ~7× smaller.
 */
export function maskedLmLogits(
  model: BertModel,
  batch: EncoderBatch,
  positions: tf.Tensor1D,
  opts: ForwardOptions = {},
): tf.Tensor2D {
  const seq = encode(model, batch, opts);
  const [B, L, H] = seq.shape;
  const picked = tf.gather(tf.reshape(seq, [B * L, H]), positions) as tf.Tensor2D;
  const t = 'cls.predictions.transform';
  const transformed = layerNorm(
    activation(
      linear(picked, model.param(`${t}.dense.weight`), model.param(`${t}.dense.bias`)),
      model.config.hidden_act,
    ),
    model.param(`${t}.LayerNorm.weight`),
    model.param(`${t}.LayerNorm.bias`),
    model.config.layer_norm_eps,
  ) as tf.Tensor2D;
  const words = model.param('bert.embeddings.word_embeddings.weight') as tf.Tensor2D;
  return tf.add(tf.matMul(transformed, words, false, true), model.param('cls.predictions.bias'));
}
