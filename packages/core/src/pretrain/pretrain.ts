import { fitBatchToHeap } from '../backend/memory.ts';
import { type BertArchConfig, type BertPresetName, presetConfig } from '../bert/config.ts';
import { BertModel } from '../bert/model.ts';
import { Rng } from '../bert/rng.ts';
import { buildWordPieceVocab, SPECIAL_TOKENS, WordPieceTokenizer } from '../tokenizer/index.ts';
import { type LoopCallbacks, trainLoop } from '../train/loop.ts';
import type { EpochEvent } from '../train/types.ts';
import { mlmObjective } from './mlm-objective.ts';

export interface PretrainOptions {
  /** Model size (ignored when `config` is given). */
  preset?: BertPresetName;
  /** Full architecture; vocab_size is set from the tokenizer. */
  config?: Partial<BertArchConfig>;
  /** Use this tokenizer; otherwise a WordPiece vocabulary of `vocabSize` is built from the corpus. */
  tokenizer?: WordPieceTokenizer;
  vocabSize?: number;
  epochs?: number;
  batchSize?: number;
  maxLength?: number;
  learningRate?: number;
  weightDecay?: number;
  warmupRatio?: number;
  maxGradNorm?: number;
  maskProbability?: number;
  seed?: number;
  /** Data-parallel threads (default 1), as in fine-tuning. */
  threads?: number;
}

/** Step and epoch events, cancellation and checkpoints (same checkpoint format as fine-tuning). */
export type PretrainCallbacks = LoopCallbacks;

export interface PretrainResult {
  model: BertModel;
  tokenizer: WordPieceTokenizer;
  history: EpochEvent[];
  status: 'completed' | 'cancelled' | 'interrupted';
}

/**
 * Masked-language-model pretraining from unlabelled texts (one text per sequence, truncated to
 * maxLength): 15% of tokens selected, 80/10/10 [MASK]/random/unchanged, cross-entropy on the
 * selected positions, AdamW with warm-up and linear decay. Returns a BertForMaskedLM-shaped model
 * (decoder tied to the word embeddings) to save with `saveModel`.
 */
export async function pretrainMlm(
  corpus: readonly string[],
  o: PretrainOptions = {},
  callbacks: PretrainCallbacks = {},
): Promise<PretrainResult> {
  const texts = corpus.filter((t) => t.trim() !== '');
  if (texts.length === 0) throw new Error('pretraining corpus is empty');
  const tokenizer =
    o.tokenizer ??
    new WordPieceTokenizer(
      buildWordPieceVocab(texts, { vocabSize: o.vocabSize ?? 8000, lowerCase: true }),
      {},
      'corpus vocabulary',
    );
  if (tokenizer.maskId === undefined) throw new Error('tokenizer has no [MASK] token; pretraining needs one');
  const maxLength = o.maxLength ?? 64;
  const batchSize = o.batchSize ?? 32;
  const epochs = o.epochs ?? 1;
  const config: BertArchConfig = {
    ...presetConfig(o.preset ?? 'tiny', tokenizer.vocabSize, Math.max(512, maxLength)),
    ...o.config,
    vocab_size: tokenizer.vocabSize,
  };
  const seed = o.seed ?? 42;
  const model = BertModel.random(config, { head: 'masked-lm', seed });
  const encodings = texts.map((t) => tokenizer.encode(t, maxLength));
  const totalSteps = Math.ceil(texts.length / batchSize) * epochs;
  const specialIds = new Set(
    SPECIAL_TOKENS.map((t) => tokenizer.idOf(t)).filter((id): id is number => id !== undefined),
  );
  const objective = mlmObjective(
    encodings,
    tokenizer.padId,
    { maskId: tokenizer.maskId, vocabSize: tokenizer.vocabSize, specialIds, probability: o.maskProbability },
    {
      vocabSize: config.vocab_size,
      hiddenDropout: config.hidden_dropout_prob,
      attentionDropout: config.attention_probs_dropout_prob,
    },
  );
  const { status, history } = await trainLoop(
    model,
    model.params,
    objective,
    new Rng(seed + 1),
    {
      epochs,
      batchSize,
      microBatch: fitBatchToHeap(config, batchSize, maxLength),
      learningRate: o.learningRate ?? 5e-4,
      warmupSteps: Math.round((o.warmupRatio ?? 0.06) * totalSteps),
      weightDecay: o.weightDecay ?? 0.01,
      maxGradNorm: o.maxGradNorm ?? 1,
      threads: o.threads ?? 1,
      padId: tokenizer.padId,
    },
    callbacks,
  );
  if (status === 'stopped-early') throw new Error('pretraining has no early stopping');
  return { model, tokenizer, history, status };
}
