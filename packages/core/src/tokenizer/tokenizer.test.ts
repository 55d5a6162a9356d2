import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  basicTokenize,
  buildWordPieceVocab,
  loadTokenizerFromDir,
  parseVocabText,
  SPECIAL_TOKENS,
  tokenizerFiles,
  tokenizerFromJson,
  tokenizerJson,
  WordPieceTokenizer,
} from './index.ts';

const FIXTURE_DIR = join(import.meta.dirname, '../../../../fixtures/tiny-bert');
const reference = JSON.parse(readFileSync(join(FIXTURE_DIR, 'reference.json'), 'utf8')) as {
  max_length: number;
  texts: string[];
  input_ids: number[][];
  tokens: string[][];
};
const fixtureVocab = parseVocabText(readFileSync(join(FIXTURE_DIR, 'vocab.txt'), 'utf8'));

describe('reference fixture (tiny-bert)', () => {
  const tok = new WordPieceTokenizer(fixtureVocab);

  it('reproduces every reference text token for token and id for id', () => {
    reference.texts.forEach((text, i) => {
      const enc = tok.encode(text, reference.max_length);
      expect(enc.tokens).toEqual(reference.tokens[i]);
      expect(enc.ids).toEqual(reference.input_ids[i]);
      expect(enc.attentionMask).toEqual(enc.ids.map(() => 1));
      expect(enc.tokenTypeIds).toEqual(enc.ids.map(() => 0));
    });
  });

  it('pads the batch to the longest row with id 0 and mask 0', () => {
    const batch = tok.encodeBatch(reference.texts, reference.max_length, { padTo: 'longest' });
    const longest = Math.max(...reference.input_ids.map((r) => r.length));
    expect(batch.length).toBe(longest);
    batch.ids.forEach((row, i) => {
      const ref = reference.input_ids[i] as number[];
      expect(row).toEqual([...ref, ...Array(longest - ref.length).fill(0)]);
      expect(batch.attentionMask[i]).toEqual(row.map((_, j) => (j < ref.length ? 1 : 0)));
      expect(batch.tokenTypeIds[i]).toEqual(Array(longest).fill(0));
      expect(batch.tokens[i]?.length).toBe(longest);
    });
    const max = tok.encodeBatch(reference.texts.slice(0, 2), 30, { padTo: 'max' });
    expect(max.ids.map((r) => r.length)).toEqual([30, 30]);
  });

  it('loads the same tokenizer from the fixture folder (vocab.txt, lower-casing by default)', async () => {
    const { tokenizer, vocabFile } = await loadTokenizerFromDir(FIXTURE_DIR);
    expect(vocabFile).toBe('vocab.txt');
    expect(tokenizer.encode(reference.texts[2] as string, 24).ids).toEqual(reference.input_ids[2]);
  });

  it('survives a tokenizer.json round trip with identical encodings', () => {
    const again = tokenizerFromJson(JSON.parse(JSON.stringify(tokenizerJson(tok))));
    expect(again.vocab).toEqual(tok.vocab);
    for (const text of reference.texts) expect(again.encode(text, 24)).toEqual(tok.encode(text, 24));
  });
});

// A hand-made vocabulary so every expected token below can be worked out by reading the rules.
const VOCAB = [
  ...SPECIAL_TOKENS,
  'play',
  '##ing',
  '##ed',
  'cafe',
  'café',
  'Cafe',
  'un',
  '##aff',
  '##able',
  '我',
  '爱',
  'a',
  '##b',
  'hi',
];

describe('BasicTokenizer rules', () => {
  const lower = { lowerCase: true, tokenizeChineseChars: true };
  it('lower-cases and strips accents with NFD', () => {
    expect(basicTokenize('Café RÉSUMÉ naïve', lower)).toEqual(['cafe', 'resume', 'naive']);
  });
  it('keeps case and accents when not lower-casing, strips accents only when asked', () => {
    const cased = { lowerCase: false, tokenizeChineseChars: true };
    expect(basicTokenize('Café', cased)).toEqual(['Café']);
    expect(basicTokenize('Café', { ...cased, stripAccents: true })).toEqual(['Cafe']);
    expect(basicTokenize('Café', { ...lower, stripAccents: false })).toEqual(['café']);
  });
  it('splits CJK ideographs but not kana', () => {
    expect(basicTokenize('我爱ab こんにちは', lower)).toEqual(['我', '爱', 'ab', 'こんにちは']);
  });
  it('treats an astral CJK ideograph (outside UTF-16 BMP) as one character', () => {
    // U+20000 is in CJK Extension B; it must be split off whole, not as two surrogate halves.
    expect(basicTokenize('7\u{20000}ab', lower)).toEqual(['7', '\u{20000}', 'ab']);
    expect(new WordPieceTokenizer(VOCAB).tokenize('a\u{20000}a')).toEqual(['a', '[UNK]', 'a']);
  });
  it('splits ASCII symbols and Unicode punctuation, not other symbols', () => {
    expect(basicTokenize('$5+3^2`~ «hi»—ok zzz™', lower)).toEqual([
      '$',
      '5',
      '+',
      '3',
      '^',
      '2',
      '`',
      '~',
      '«',
      'hi',
      '»',
      '—',
      'ok',
      'zzz™',
    ]);
  });
  it('drops NUL, U+FFFD and control/format chars; treats tabs, newlines and NBSP as spaces', () => {
    expect(basicTokenize('a\u0000b\ufffdc\u200bd\u0007e\tf\ng\u00a0h', lower)).toEqual([
      'abcde',
      'f',
      'g',
      'h',
    ]);
  });
});

describe('WordPiece', () => {
  const tok = new WordPieceTokenizer(VOCAB);
  it('matches greedily, longest first, with ## continuations', () => {
    expect(tok.tokenize('playing played unaffable')).toEqual([
      'play',
      '##ing',
      'play',
      '##ed',
      'un',
      '##aff',
      '##able',
    ]);
    expect(tok.tokenize('ab')).toEqual(['a', '##b']);
  });
  it('maps a word with an unmatched piece, or over 100 characters, to [UNK]', () => {
    expect(tok.tokenize('playx hi')).toEqual(['[UNK]', 'hi']);
    expect(tok.tokenize(`a${'b'.repeat(99)}`)).toEqual(['a', ...Array(99).fill('##b')]);
    expect(tok.tokenize(`a${'b'.repeat(100)}`)).toEqual(['[UNK]']);
  });
  it('keeps special tokens written in the text', () => {
    expect(tok.tokenize('hi [MASK] play[SEP]')).toEqual(['hi', '[MASK]', 'play', '[SEP]']);
  });
  it('truncates to maxLength including [CLS] and [SEP]', () => {
    const enc = tok.encode('hi hi hi hi hi', 5);
    expect(enc.tokens).toEqual(['[CLS]', 'hi', 'hi', 'hi', '[SEP]']);
    expect(enc.ids).toEqual([2, 18, 18, 18, 3]);
    expect(() => tok.encode('hi', 1)).toThrow(/maxLength 1/);
  });
  it('uses case-sensitive lookups when lowerCase is false', () => {
    const cased = new WordPieceTokenizer(VOCAB, { lowerCase: false });
    expect(cased.tokenize('Café cafe Cafe')).toEqual(['[UNK]', 'cafe', 'Cafe']);
  });
  it('names the missing special token', () => {
    expect(() => new WordPieceTokenizer(['a', '[UNK]'], {}, 'x/vocab.txt')).toThrow(
      'x/vocab.txt: has no classifier token "[CLS]"',
    );
  });
  it('refuses tokenizer.json with a non-WordPiece model or holes in the ids', () => {
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: {} } })).toThrow(/model.type is "BPE"/);
    expect(() => tokenizerFromJson({ model: { type: 'WordPiece', vocab: { a: 0, b: 2 } } })).toThrow(
      /no token with id 1/,
    );
  });
});

describe('decode and added tokens', () => {
  it('decode glues ## pieces and cleans up spaces before punctuation', () => {
    const tok = new WordPieceTokenizer(fixtureVocab);
    const ids = reference.input_ids[1] as number[];
    expect(tok.decode(ids)).toBe('[CLS] sleeping better, mood is good! [SEP]');
    expect(tok.decode(reference.input_ids[2] as number[], { skipSpecialTokens: true })).toBe(
      'cafe resume : naive scores ( playing, walked, hopeless )?',
    );
  });
  it('tokenizer.json added_tokens beyond the vocabulary get their ids and are matched verbatim', () => {
    const json = tokenizerJson(new WordPieceTokenizer(VOCAB)) as { added_tokens: unknown[] };
    json.added_tokens.push({ id: VOCAB.length, content: '<ITEM>', special: false });
    const tok = tokenizerFromJson(json);
    expect(tok.idOf('<ITEM>')).toBe(VOCAB.length);
    expect(tok.tokenize('hi<ITEM>playing')).toEqual(['hi', '<ITEM>', 'play', '##ing']);
    json.added_tokens.push({ id: 5, content: '<X>' });
    expect(() => tokenizerFromJson(json)).toThrow(
      /added token "<X>" has id 5, which model.vocab gives to "play"/,
    );
  });
});

describe('tokenizer files', () => {
  it('tokenizer_config.json flags win over tokenizer.json, as in BertTokenizerFast', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tok-'));
    try {
      const files = tokenizerFiles(new WordPieceTokenizer(VOCAB, { lowerCase: true }));
      await writeFile(join(dir, 'tokenizer.json'), files['tokenizer.json'] as string);
      const loaded = await loadTokenizerFromDir(dir);
      expect(loaded.vocabFile).toBe('tokenizer.json');
      expect(loaded.tokenizer.tokenize('CAFE')).toEqual(['cafe']);
      await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false }));
      const cased = await loadTokenizerFromDir(dir);
      expect(cased.tokenizer.tokenize('Cafe CAFE')).toEqual(['Cafe', '[UNK]']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buildWordPieceVocab', () => {
  it('puts specials, characters, ## characters, then merges by frequency (hand-worked)', () => {
    // words: ab ×3, ac ×1 → symbols a(4) ##b(3) ##c(1); pair (a,##b)=3 merges, (a,##c)=1 < 2 stops.
    expect(buildWordPieceVocab(['ab ab AB ac'], { vocabSize: 100, lowerCase: true })).toEqual([
      ...SPECIAL_TOKENS,
      'a',
      '##b',
      '##c',
      'ab',
    ]);
    expect(buildWordPieceVocab(['ab ab ab ac'], { vocabSize: 7, lowerCase: true })).toEqual([
      ...SPECIAL_TOKENS,
      'a',
      '##b',
    ]);
  });
  it('yields a vocabulary that tokenizes its own corpus without [UNK]', () => {
    const corpus = [
      'The patient slept badly.',
      'Sleeping better, mood improving!',
      'patients sleep; moods vary',
    ];
    const vocab = buildWordPieceVocab(corpus, { vocabSize: 60, lowerCase: true });
    expect(vocab.length).toBeLessThanOrEqual(60);
    expect(new Set(vocab).size).toBe(vocab.length);
    const tok = new WordPieceTokenizer(vocab);
    for (const text of corpus) expect(tok.tokenize(text)).not.toContain('[UNK]');
    expect(tok.tokenize('patient')).toEqual(['patient']);
  });
});
