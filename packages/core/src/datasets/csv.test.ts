// The CSV reader (csv-parse behind csv.ts): round trips of any records whatever the chunking, the field-length
// limit with its row and column, and the characters a dataset cannot store.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csv.ts';
import {
  bytesOf,
  DatasetError,
  inspectDataset,
  MAX_FIELD_CHARS,
  MAX_RECORD_CHARS,
  PREVIEW_CELL_CHARS,
  readDataset,
  ZDatasetSpec,
} from './index.ts';

const RUNS = Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000);

async function* pieces(text: string, sizes: number[]): AsyncGenerator<string> {
  let at = 0;
  for (let k = 0; at < text.length; k++) {
    const size = sizes.length ? (sizes[k % sizes.length] as number) : text.length;
    yield text.slice(at, at + size);
    at += size;
  }
}

async function records(text: string, sizes: number[] = [], delimiter = ','): Promise<string[][]> {
  const out: string[][] = [];
  await readCsv(pieces(text, sizes), {
    delimiter,
    maxFieldChars: Number.POSITIVE_INFINITY,
    maxRecordChars: Number.POSITIVE_INFINITY,
    onIssue(issue) {
      throw new Error(`unexpected issue ${JSON.stringify(issue)}`);
    },
    onRecord(values) {
      out.push(values);
      return true;
    },
  });
  return out;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) || field === '' ? `"${field.replaceAll('"', '""')}"` : field;
}

const spec = ZDatasetSpec.parse({ name: 's', task: 'regression', textColumn: 'text', labelColumn: 'score' });

async function rejection(work: Promise<unknown>): Promise<DatasetError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('readCsv', () => {
  it('reads quotes, doubled quotes, CRLF and CR line ends, and skips empty lines', async () => {
    expect(await records('a,b\r\n"x, ""y""",2\r\n\r\n"multi\nline",3\rlast,4')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
      ['multi\nline', '3'],
      ['last', '4'],
    ]);
    // a quote inside an unquoted field is text (5" screens)
    expect(await records('t\n5" screen\n')).toEqual([['t'], ['5" screen']]);
  });

  it('gives back any records, however the text is cut into chunks (fuzzed)', async () => {
    const field = fc.string({
      unit: fc.oneof(fc.constantFrom(',', '"', '\n', '\r', 'a', ' '), fc.string({ maxLength: 1 })),
      maxLength: 12,
    });
    const table = fc
      .integer({ min: 1, max: 4 })
      .chain((width) =>
        fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }),
      );
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }),
        fc.constantFrom('\n', '\r\n'),
        async (rows, sizes, eol) => {
          const text = rows.map((row) => row.map(quote).join(',')).join(eol) + eol;
          expect(await records(text, sizes)).toEqual(rows);
        },
      ),
      { numRuns: Math.min(RUNS, 2000) },
    );
  });
});

describe('dataset limits and characters', () => {
  it('refuses a field over the limit at once, naming row and column, in linear time', async () => {
    const long = 'x'.repeat(MAX_FIELD_CHARS + 1);
    const csv = `text,score\nok,1\n"${long}",2\n`;
    const error = await rejection(readDataset(bytesOf(csv, 64 * 1024), 'big.csv', spec));
    expect(error.code).toBe('field_too_long');
    expect(error.message).toMatch(
      /big\.csv has a field longer than 1,000,000 characters: row 2, column "text"/,
    );
    // an unclosed quote that swallows the rest of the file is caught by the record limit (2M)...
    const runaway = `text,score\n"${'y,1\n'.repeat(MAX_RECORD_CHARS / 2)}`;
    const swallowed = await rejection(readDataset(bytesOf(runaway, 64 * 1024), 'q.csv', spec));
    expect(swallowed.code).toBe('field_too_long');
    expect(swallowed.message).toMatch(
      /q\.csv has a row longer than 2,000,000 characters: row 1, column "text"/,
    );
    // ...and one that ends the file below it is named as unclosed
    const unclosed = `text,score\n"${'y,1\n'.repeat(MAX_FIELD_CHARS / 3)}`;
    const open = await rejection(readDataset(bytesOf(unclosed, 64 * 1024), 'u.csv', spec));
    expect(open.code).toBe('malformed');
    expect(open.message).toMatch(/row 1, column "text": a quoted field is never closed/);
    const jsonl = `{"text":"ok","score":1}\n{"text":"${long}","score":2}\n`;
    const fromJsonl = await rejection(readDataset(bytesOf(jsonl, 64 * 1024), 'big.jsonl', spec));
    expect(fromJsonl.message).toMatch(/row 2, column "text"/);
  });

  it('truncates preview cells', async () => {
    const text = 'z'.repeat(5000);
    const inspection = await inspectDataset(bytesOf(`text,score\n${text},1\n`), 'p.csv');
    expect(inspection.preview[0]?.[0]).toBe(`${'z'.repeat(PREVIEW_CELL_CHARS)}…`);
  });

  it('refuses NUL and unpaired surrogates, naming row and column', async () => {
    const nul = await rejection(readDataset(bytesOf('text,score\nok,1\nbad\u0000text,2\n'), 'n.csv', spec));
    expect(nul.code).toBe('invalid_characters');
    expect(nul.message).toMatch(/row 2, column "text": holds a NUL character \(U\+0000\) at character 4/);
    const lone = await rejection(
      readDataset(bytesOf('{"text":"a\\ud800b","score":1}\n{"text":"ok","score":2}\n'), 'l.jsonl', spec),
    );
    expect(lone.message).toMatch(/row 1, column "text": holds an unpaired surrogate \(U\+D800\)/);
    const label = await rejection(readDataset(bytesOf('text,score\nok,1\u0000\n'), 'k.csv', spec));
    expect(label.message).toMatch(/column "score": holds a NUL/);
    // a proper pair (an emoji) is fine
    const fine = await readDataset(bytesOf('{"text":"\\ud83d\\ude00","score":1}\n'), 'e.jsonl', spec);
    expect(fine.rows[0]?.text).toBe('😀');
  });
});
