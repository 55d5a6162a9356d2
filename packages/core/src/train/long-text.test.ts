import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { presetConfig } from '../bert/config.ts';
import { BertModel } from '../bert/model.ts';
import { Rng } from '../bert/rng.ts';
import { WordPieceTokenizer } from '../tokenizer/index.ts';
import { fineTune } from './fine-tune.ts';
import { encodeDocument, poolLogits, resolveLongText, windowStarts } from './long-text.ts';
import { scoreModel } from './score.ts';
import type { TLongTextInput, TrainExample } from './types.ts';

const FILLER = Array.from({ length: 40 }, (_, i) => `w${i}`);
const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'yes', 'no', ...FILLER];
const tokenizer = new WordPieceTokenizer(vocab, {}, 'long-text vocabulary');

describe('encoding long texts', () => {
  it('windows cover the text, overlap by window − 2 − stride and the last one ends at the text end', () => {
    expect(windowStarts(5, 14, 7)).toEqual([0]);
    expect(windowStarts(31, 14, 10)).toEqual([0, 10, 17]);
    const text = FILLER.slice(0, 20).join(' ');
    const lt = resolveLongText({ mode: 'windows', window: 8, stride: 4 }, 16);
    const pieces = encodeDocument(tokenizer, text, 16, lt);
    expect(pieces.map((p) => p.tokens)).toEqual(
      [0, 4, 8, 12, 14].map((s) => ['[CLS]', ...FILLER.slice(s, s + 6), '[SEP]']),
    );
  });

  it('head-tail keeps the first quarter and the last three quarters of the room', () => {
    const text = FILLER.slice(0, 30).join(' ');
    const [piece] = encodeDocument(tokenizer, text, 10, resolveLongText({ mode: 'head-tail' }, 10));
    expect(piece?.tokens).toEqual(['[CLS]', 'w0', 'w1', 'w24', 'w25', 'w26', 'w27', 'w28', 'w29', '[SEP]']);
    expect(encodeDocument(tokenizer, text, 10, resolveLongText({}, 10))[0]?.tokens.at(-2)).toBe('w7');
  });

  it('pools windows: mean values for regression, mean or max class probability for classification', () => {
    expect(poolLogits([[1], [3], [5]], [0, 0, 1], 2, 'regression')).toEqual([[2], [5]]);
    const lp = (p: number[]) => p.map((x) => Math.log(x));
    const max = poolLogits([lp([0.9, 0.1]), lp([0.2, 0.8])], [0, 0], 1, 'classification', 'max')[0];
    expect(max?.map(Math.exp).map((x) => +x.toFixed(6))).toEqual([0.9, 0.8]);
    const mean = poolLogits([lp([0.9, 0.1]), lp([0.3, 0.7])], [0, 0], 1, 'classification')[0];
    expect(mean?.map(Math.exp).map((x) => +x.toFixed(6))).toEqual([0.6, 0.4]);
    expect(() => poolLogits([[1]], [0], 1, 'regression', 'max')).toThrow(/classification/);
    expect(() => resolveLongText({ mode: 'windows', window: 32 }, 16)).toThrow(/longer than the max length/);
  });
});

// Each document is 30 filler tokens and then "yes" (label 1) or "no" (label 0): the label is in the
// last token only, which truncation at 16 tokens never sees.
function documents(n: number, seed: number): TrainExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 30 }, () => FILLER[Math.floor(rng.next() * FILLER.length)] as string);
    return { text: [...words, i % 2 === 0 ? 'yes' : 'no'].join(' '), label: i % 2 === 0 ? 1 : 0 };
  });
}

describe('a label at the end of long texts', () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
  });

  it('windowed training and mean pooling beat truncation', async () => {
    const train = documents(160, 1);
    const test = documents(60, 2);
    const run = async (longText: TLongTextInput) => {
      const model = BertModel.random(
        {
          ...presetConfig('tiny', tokenizer.vocabSize, 16),
          hidden_size: 32,
          num_hidden_layers: 1,
          num_attention_heads: 1,
          intermediate_size: 64,
        },
        { head: 'regression', seed: 4 },
      );
      const opts = { task: 'regression', maxLength: 16, longText } as const;
      await fineTune(
        model,
        tokenizer,
        { train },
        { ...opts, epochs: 8, batchSize: 16, learningRate: 2e-3, seed: 4, labelRange: [0, 1] },
      );
      const m = scoreModel(model, tokenizer, test, opts).metrics;
      model.dispose();
      return m;
    };
    const truncated = await run({ mode: 'truncate' });
    const windowed = await run({ mode: 'windows', window: 16, stride: 10 });
    expect(windowed.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(truncated.accuracy).toBeLessThanOrEqual(0.7);
    expect(windowed.mae as number).toBeLessThan(truncated.mae as number);
  }, 60_000);
});

describe('tokens per text against the max length', () => {
  it('counts texts over the limit and the share of tokens truncation drops', async () => {
    const { tokenProfile } = await import('../datasets/profile.ts');
    const count = (t: string) => tokenizer.encode(t, Number.MAX_SAFE_INTEGER).ids.length;
    const p = tokenProfile([FILLER.slice(0, 3).join(' '), FILLER.slice(0, 18).join(' ')], count, 10, 'tiny');
    // 5 and 20 tokens; the second loses 10 of 25
    expect(p).toMatchObject({ maxLength: 10, overMax: 1, droppedShare: 10 / 25, model: 'tiny' });
    expect([p.quantiles.min, p.quantiles.max]).toEqual([5, 20]);
  });
});
