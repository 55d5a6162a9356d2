// Property-based fuzzing (fast-check) of what a user's upload reaches: the CSV/TSV/JSONL dataset
// readers and the safetensors reader. Every input either parses or is refused with the parser's own
// error (DatasetError / SafetensorsError, a message naming the file); nothing else escapes (no
// TypeError, RangeError or stack overflow that would become a 500), and nothing hangs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSafetensors, SafetensorsError } from '../safetensors/index.ts';
import { bytesOf, DatasetError, inspectDataset, readDataset, ZDatasetSpec } from './index.ts';

const RUNS = Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000);
const spec = ZDatasetSpec.parse({
  name: 'fuzz',
  task: 'regression',
  textColumn: 'text',
  labelColumn: 'score',
});

/** Text with the characters that break parsers: delimiters, quotes, newlines, NUL, lone surrogates. */
const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      ',',
      '\t',
      '"',
      '\n',
      '\r',
      '\u0000',
      '\ud800',
      '\udfff',
      '{',
      '}',
      '[',
      ']',
      ':',
      '\\',
      '\ufeff',
    ),
    fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
  ),
  maxLength: 60,
});

async function refusedOnlyWith<T>(
  work: Promise<T>,
  ErrorClass: new (...args: never[]) => Error,
): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!(error instanceof ErrorClass)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
  }
}

describe('dataset readers under fuzzing', () => {
  for (const [format, fileName, header] of [
    ['csv', 'fuzz.csv', 'text,score\n'],
    ['tsv', 'fuzz.tsv', 'text\tscore\n'],
    ['jsonl', 'fuzz.jsonl', ''],
  ] as const) {
    it(`${format}: any text after a valid header parses or is refused with a DatasetError`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileText, fc.integer({ min: 1, max: 7 }), async (body, chunk) => {
          const bytes = new TextEncoder().encode(header + body);
          await refusedOnlyWith(readDataset(bytesOf(bytes, chunk), fileName, spec), DatasetError);
          await refusedOnlyWith(inspectDataset(bytesOf(bytes, chunk), fileName), DatasetError);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('jsonl: records shaped from arbitrary JSON values, and deep nesting', async () => {
    const line = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .record({ text: fc.jsonValue({ maxDepth: 3 }), score: fc.jsonValue({ maxDepth: 2 }) })
        .map((v) => JSON.stringify(v)),
      fc
        .integer({ min: 1, max: 12_000 })
        .map((depth) => `{"text":${'['.repeat(depth)}${']'.repeat(depth)},"score":1}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 4 }), async (lines) => {
        await refusedOnlyWith(readDataset(bytesOf(lines.join('\n')), 'fuzz.jsonl', spec), DatasetError);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses JSONL nested 10,000 deep with a DatasetError naming the row', async () => {
    const deep = `{"text":"ok","score":1}\n{"text":${'['.repeat(10_000)}${']'.repeat(10_000)},"score":2}\n`;
    const error = await readDataset(bytesOf(deep), 'deep.jsonl', spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).message).toMatch(/deep\.jsonl/);
    expect(JSON.stringify((error as DatasetError).issues)).toMatch(/10001 levels deep/);
  });
});

describe('safetensors reader under fuzzing', () => {
  /** A length prefix and a header that is nearly right: the interesting failures are near valid files. */
  const file = fc
    .tuple(
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc
          .record({
            dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'F64', 'U8', 'X'),
            shape: fc.array(fc.integer({ min: -2, max: 2 ** 31 }), { maxLength: 4 }),
            data_offsets: fc.array(fc.integer({ min: -8, max: 2 ** 32 }), { maxLength: 3 }),
          })
          .map((t) => JSON.stringify({ 'a.weight': t, __metadata__: { format: 'pt' } })),
      ),
      fc.uint8Array({ maxLength: 64 }),
      fc.integer({ min: -16, max: 16 }),
    )
    .map(([header, data, skew]) => {
      const json = new TextEncoder().encode(header);
      const bytes = new Uint8Array(8 + json.length + data.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.max(0, json.length + skew)), true);
      bytes.set(json, 8);
      bytes.set(data, 8 + json.length);
      return bytes;
    });

  it('any bytes read or are refused with a SafetensorsError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(file, fc.uint8Array({ maxLength: 80 })), async (bytes) => {
        await refusedOnlyWith(
          Promise.resolve().then(() => readSafetensors(bytes, 'fuzz.safetensors')),
          SafetensorsError,
        );
      }),
      { numRuns: RUNS },
    );
  });
});
