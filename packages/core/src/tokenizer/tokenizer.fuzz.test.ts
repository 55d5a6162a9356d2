// Property-based fuzzing (fast-check) of the tokenizer files a model upload carries: vocab.txt,
// tokenizer.json and tokenizer_config.json, written to a folder and loaded the way the importer
// does. Every input loads or is refused with a TokenizerError (an InputError: a 4xx at the route);
// nothing else escapes and nothing hangs (a vocab id of 2^31 is refused at once).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { loadTokenizerFromDir, parseVocabText, tokenizerFromJson } from './files.ts';
import { TokenizerError, WordPieceTokenizer } from './wordpiece.ts';

const RUNS = Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000);
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const root = mkdtempSync(join(tmpdir(), 'tunelab-tokfuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function refusedOrLoaded(load: () => WordPieceTokenizer): 'loaded' | 'refused' {
  try {
    const tokenizer = load();
    // a loaded tokenizer works on hostile text
    const ids = tokenizer.encode('Hello, wörld! [MASK] \u0000 \ud800 ünïcode').ids;
    for (const id of ids) expect(id).toBeLessThan(tokenizer.vocab.length);
    return 'loaded';
  } catch (error) {
    if (!(error instanceof TokenizerError)) throw error;
    expect(error).toBeInstanceOf(InputError);
    return 'refused';
  }
}

const token = fc.oneof(
  fc.constantFrom(...SPECIALS, 'hello', '##lo', 'w', '##ö', ',', '!', ''),
  fc.string({ maxLength: 6 }),
);
const id = fc.oneof(fc.nat(12), fc.constantFrom(2 ** 31, 2 ** 53, 1e9), fc.integer());
const tokenizerJson = fc.record(
  {
    model: fc.record(
      {
        type: fc.oneof(fc.constant('WordPiece'), fc.string({ maxLength: 5 })),
        unk_token: fc.oneof(fc.constant('[UNK]'), token),
        continuing_subword_prefix: fc.constantFrom('##', '', '@@'),
        max_input_chars_per_word: fc.oneof(fc.constant(100), fc.integer()),
        vocab: fc.oneof(
          // a well-formed vocabulary, ids 0..n-1, sometimes with one id changed
          fc.uniqueArray(token, { maxLength: 12 }).chain((tokens) =>
            fc.option(fc.tuple(fc.nat(Math.max(tokens.length - 1, 0)), id)).map((change) => {
              const vocab = Object.fromEntries([...SPECIALS, ...tokens].map((t, i) => [t, i]));
              if (change && tokens[change[0]] !== undefined) vocab[tokens[change[0]] as string] = change[1];
              return vocab;
            }),
          ),
          fc.dictionary(token, id, { maxKeys: 10 }),
        ),
      },
      { requiredKeys: ['type', 'vocab'] },
    ),
    normalizer: fc.option(
      fc.record({
        type: fc.constantFrom('BertNormalizer', 'NFC'),
        lowercase: fc.boolean(),
        strip_accents: fc.option(fc.boolean()),
      }),
    ),
    added_tokens: fc.option(fc.array(fc.record({ id, content: token }), { maxLength: 3 })),
  },
  { requiredKeys: ['model'] },
);

describe('tokenizer files (fuzzed)', () => {
  it('refuses a vocab id far past the number of tokens at once', () => {
    const vocab = Object.fromEntries(SPECIALS.map((t, i) => [t, i]));
    expect(() =>
      tokenizerFromJson(
        { model: { type: 'WordPiece', vocab: { ...vocab, hello: 2 ** 40 } } },
        'tokenizer.json',
      ),
    ).toThrow('tokenizer.json: model.vocab has no token with id 5');
  });

  it('tokenizer.json shaped from hostile values loads or is a TokenizerError', () => {
    const seen = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(tokenizerJson, fc.jsonValue({ maxDepth: 3 })), (json) => {
        seen[refusedOrLoaded(() => tokenizerFromJson(json, 'tokenizer.json'))]++;
      }),
      { numRuns: RUNS },
    );
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('vocab.txt of any text loads or is a TokenizerError', () => {
    const line = fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) => {
        refusedOrLoaded(() => new WordPieceTokenizer(parseVocabText(lines.join(eol)), {}, 'vocab.txt'));
      }),
      { numRuns: RUNS },
    );
  });

  it('folders of hostile files, loaded as the importer does, load or are a TokenizerError', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(
          fc.oneof(
            tokenizerJson.map((j) => JSON.stringify(j)),
            fc.string({ maxLength: 30 }),
          ),
        ),
        fc.option(
          fc.oneof(
            fc.jsonValue({ maxDepth: 2 }).map((j) => JSON.stringify(j)),
            fc.string({ maxLength: 20 }),
          ),
        ),
        fc.option(
          fc
            .array(fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 4 })))
            .map((l) => l.join('\n')),
        ),
        async (tokenizer, config, vocab) => {
          const dir = join(root, String(n++));
          const files = { 'tokenizer.json': tokenizer, 'tokenizer_config.json': config, 'vocab.txt': vocab };
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          for (const [name, text] of Object.entries(files))
            if (text !== null) writeFileSync(join(dir, name), text);
          try {
            const loaded = await loadTokenizerFromDir(dir);
            expect(loaded.tokenizer.vocab.length).toBeGreaterThan(0);
          } catch (error) {
            if (!(error instanceof TokenizerError)) throw error;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      // each case writes a folder: a tenth of the runs
      { numRuns: Math.ceil(RUNS / 10) },
    );
  });
});
