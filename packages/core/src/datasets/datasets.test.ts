import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  computeProfile,
  DatasetError,
  inspectDataset,
  readDataset,
  type TDatasetSpecInput,
  ZDatasetSpec,
} from './index.ts';

const spec = (overrides: Partial<TDatasetSpecInput> = {}) =>
  ZDatasetSpec.parse({
    name: 'ds',
    task: 'regression',
    textColumn: 'text',
    labelColumn: 'score',
    ...overrides,
  });

async function rejection(promise: Promise<unknown>): Promise<DatasetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error('expected a DatasetError, got success');
}

const GOOD_CSV = 'text,score\n"hello, world",1\nplain text,2.5\n"she said ""hi""",0\n';

describe('inspectDataset', () => {
  it('returns columns and a preview, stopping early', async () => {
    const csv = `text,score,extra\n${Array.from({ length: 50 }, (_, i) => `t${i},${i % 7},x`).join('\n')}\n`;
    const result = await inspectDataset(bytesOf(csv), 'a.csv', { previewRows: 5 });
    expect(result.columns).toEqual(['text', 'score', 'extra']);
    expect(result.preview).toHaveLength(5);
    expect(result.preview[2]).toEqual(['t2', '2', 'x']);
    expect(result.truncated).toBe(true);
  });

  it('reads TSV and JSONL', async () => {
    const tsv = await inspectDataset(bytesOf('text\tscore\na b\t3\n'), 'a.tsv');
    expect(tsv.preview).toEqual([['a b', '3']]);
    const jsonl = await inspectDataset(
      bytesOf('{"text":"x","score":2}\n{"text":"y","score":4}\n'),
      'a.jsonl',
    );
    expect(jsonl.columns).toEqual(['text', 'score']);
    expect(jsonl.preview).toEqual([
      ['x', '2'],
      ['y', '4'],
    ]);
  });
});

describe('readDataset', () => {
  it('parses quoted CSV fields and numeric labels', async () => {
    const result = await readDataset(bytesOf(GOOD_CSV), 'a.csv', spec());
    expect(result.rows.map((row) => row.text)).toEqual(['hello, world', 'plain text', 'she said "hi"']);
    expect(result.rows.map((row) => row.label)).toEqual([1, 2.5, 0]);
    expect(result.labelMin).toBe(0);
    expect(result.labelMax).toBe(2.5);
  });

  it('handles a UTF-8 BOM, CRLF line ends and multi-byte characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('\uFEFFtext,score\r\nnaïve café — 日本語,3\r\n');
    const result = await readDataset(bytesOf(bytes, 3), 'a.csv', spec());
    expect(result.columns).toEqual(['text', 'score']);
    expect(result.rows[0]?.text).toBe('naïve café — 日本語');
  });

  it('maps classification labels to class indices (numeric class names sorted numerically)', async () => {
    const csv = 'text,score\na,10\nb,2\nc,2\nd,10\ne,9\n';
    const result = await readDataset(bytesOf(csv), 'a.csv', spec({ task: 'classification' }));
    expect(result.classes).toEqual(['2', '9', '10']);
    expect(result.rows.map((row) => row.label)).toEqual([2, 0, 0, 2, 1]);
    expect(result.rows[0]?.labelText).toBe('10');
  });

  it('uses split and source columns when given', async () => {
    const csv = 'text,score,part,origin\na,1,train,real\nb,2,validation,synthetic\nc,3,TEST,real\n';
    const result = await readDataset(
      bytesOf(csv),
      'a.csv',
      spec({ splitColumn: 'part', sourceColumn: 'origin' }),
    );
    expect(result.rows.map((row) => row.split)).toEqual(['train', 'eval', 'test']);
    expect(result.rows.map((row) => row.source)).toEqual(['real', 'synthetic', 'real']);
    expect(result.splitFromFile).toBe(true);
  });

  it('assigns a seeded stratified 80/10/10 split when there is no split column', async () => {
    const lines = Array.from({ length: 700 }, (_, i) => `text ${i},${i % 7}`);
    const csv = `text,score\n${lines.join('\n')}\n`;
    const first = await readDataset(bytesOf(csv), 'a.csv', spec());
    const again = await readDataset(bytesOf(csv), 'a.csv', spec());
    const other = await readDataset(bytesOf(csv), 'a.csv', spec({ splitSeed: 7 }));
    const splits = first.rows.map((row) => row.split);
    expect(again.rows.map((row) => row.split)).toEqual(splits);
    expect(other.rows.map((row) => row.split)).not.toEqual(splits);
    const count = (split: string, label?: number) =>
      first.rows.filter((row) => row.split === split && (label === undefined || row.label === label)).length;
    expect(count('train')).toBe(560);
    expect(count('eval')).toBe(70);
    expect(count('test')).toBe(70);
    // Stratified: each of the 7 labels (100 rows each) has 10 +- 1 rows in eval and in test.
    for (let label = 0; label < 7; label++) {
      expect(Math.abs(count('eval', label) - 10)).toBeLessThanOrEqual(1);
      expect(Math.abs(count('test', label) - 10)).toBeLessThanOrEqual(1);
    }
  });
});

describe('readDataset rejects bad input with a precise message', () => {
  it('empty file', async () => {
    const error = await rejection(readDataset(bytesOf(''), 'empty.csv', spec()));
    expect(error.code).toBe('empty_file');
    expect(error.message).toBe('empty.csv is empty');
  });

  it('header without rows', async () => {
    const error = await rejection(readDataset(bytesOf('text,score\n'), 'h.csv', spec()));
    expect(error.code).toBe('empty_file');
    expect(error.message).toMatch(/no data rows/);
  });

  it('malformed CSV: wrong number of fields names the row and the missing column', async () => {
    const error = await rejection(readDataset(bytesOf('text,score\nok,1\nbroken\nok,2\n'), 'm.csv', spec()));
    expect(error.code).toBe('malformed');
    expect(error.issues[0]).toMatchObject({ row: 2, column: 'score' });
    expect(error.message).toContain('row 2, column "score": has 1 fields, the header has 2');
  });

  it('malformed CSV: unclosed quote', async () => {
    const error = await rejection(
      readDataset(bytesOf('text,score\nok,1\n"never closed,2\nx,3\n'), 'q.csv', spec()),
    );
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/row 2.*never closed/);
  });

  it('malformed JSONL names the line', async () => {
    const error = await rejection(
      readDataset(bytesOf('{"text":"a","score":1}\n{"text": "b", score: 2}\n'), 'j.jsonl', spec()),
    );
    expect(error.code).toBe('malformed');
    expect(error.message).toMatch(/row 2: is not valid JSON/);
  });

  it('missing column lists the columns that exist', async () => {
    const error = await rejection(readDataset(bytesOf(GOOD_CSV), 'a.csv', spec({ labelColumn: 'rating' })));
    expect(error.code).toBe('missing_column');
    expect(error.message).toBe('a.csv has no column "rating" (columns: "text", "score")');
  });

  it('a semicolon-separated file saved as .csv is read with ";" (header split across chunks)', async () => {
    const result = await readDataset(bytesOf('text;score\n"a; b";1\nc;2\n', 4), 'excel.csv', spec());
    expect(result.columns).toEqual(['text', 'score']);
    expect(result.rows.map((row) => row.text)).toEqual(['a; b', 'c']);
    expect(result.rows.map((row) => row.label)).toEqual([1, 2]);
  });

  it('a header with both "," and ";" stays comma-separated', async () => {
    const result = await readDataset(
      bytesOf('text,score;x\nhi,1\n'),
      'a.csv',
      spec({ labelColumn: 'score;x' }),
    );
    expect(result.rows[0]?.label).toBe(1);
  });

  it('non-numeric labels in regression name the first bad rows and count the rest', async () => {
    const lines = ['a,1', 'b,high', 'c,2', 'd,', ...Array.from({ length: 8 }, (_, i) => `e${i},n/a`)];
    const error = await rejection(readDataset(bytesOf(`text,score\n${lines.join('\n')}\n`), 'n.csv', spec()));
    expect(error.code).toBe('invalid_label');
    expect(error.message).toContain('row 2, column "score": "high" is not a number');
    expect(error.message).toContain('row 4, column "score": label is empty');
    expect(error.totalIssues).toBe(10);
    expect(error.message).toContain('and 5 more');
  });

  it('labels out of range', async () => {
    const error = await rejection(
      readDataset(bytesOf('text,score\na,0\nb,7\nc,-1\n'), 'r.csv', spec({ labelMin: 0, labelMax: 6 })),
    );
    expect(error.code).toBe('label_out_of_range');
    expect(error.issues.map((issue) => issue.row)).toEqual([2, 3]);
    expect(error.message).toContain('row 2, column "score": 7 is outside [0, 6]');
  });

  it('invalid UTF-8 says so and where', async () => {
    const head = new TextEncoder().encode('text,score\nfine,1\ncaf');
    const bytes = new Uint8Array([...head, 0xe9, ...new TextEncoder().encode(',2\n')]);
    const error = await rejection(readDataset(bytesOf(bytes), 'latin1.csv', spec()));
    expect(error.code).toBe('invalid_encoding');
    expect(error.message).toContain('latin1.csv is not valid UTF-8 (byte 0xe9 at offset 21, line 3)');
  });

  it('duplicate header names', async () => {
    const error = await rejection(readDataset(bytesOf('text,score,text\na,1,b\n'), 'd.csv', spec()));
    expect(error.code).toBe('duplicate_header');
    expect(error.message).toContain('column "text": appears as column 1 and column 3');
  });

  it('classification label outside the given classes', async () => {
    const error = await rejection(
      readDataset(
        bytesOf('text,score\na,pos\nb,meh\n'),
        'c.csv',
        spec({ task: 'classification', classes: ['neg', 'pos'] }),
      ),
    );
    expect(error.code).toBe('invalid_label');
    expect(error.message).toContain('row 2, column "score": "meh" is not one of the classes (neg, pos)');
  });

  it('empty text and bad split values', async () => {
    const text = await rejection(readDataset(bytesOf('text,score\n"",1\n'), 't.csv', spec()));
    expect(text.code).toBe('invalid_text');
    const split = await rejection(
      readDataset(bytesOf('text,score,s\na,1,holdout\n'), 's.csv', spec({ splitColumn: 's' })),
    );
    expect(split.message).toContain('row 1, column "s": "holdout" is not a split');
  });

  it('unknown file extension without an explicit format', async () => {
    const error = await rejection(readDataset(bytesOf(GOOD_CSV), 'data.xlsx', spec()));
    expect(error.code).toBe('unsupported_format');
  });
});

describe('computeProfile', () => {
  it('counts labels, lengths, duplicates and splits', () => {
    const rows = [
      { index: 0, text: 'a b c', label: 0, split: 'train' as const, source: 'real' as const },
      { index: 1, text: 'a b c', label: 2, split: 'train' as const, source: 'real' as const },
      { index: 2, text: 'one', label: 2, split: 'eval' as const, source: 'synthetic' as const },
      { index: 3, text: 'two words', label: 6, split: 'test' as const, source: 'real' as const },
    ];
    const profile = computeProfile(rows, { task: 'regression', labelMin: 0, labelMax: 6 });
    expect(profile.rowCount).toBe(4);
    expect(profile.label.histogram.map((bin) => bin.count)).toEqual([1, 0, 2, 0, 0, 0, 1]);
    expect(profile.label.mean).toBe(2.5);
    expect(profile.textLength.words.p50).toBe(2.5);
    expect(profile.textLength.words.max).toBe(3);
    expect(profile.duplicates).toMatchObject({ rows: 1, distinctTexts: 3, conflicting: 1 });
    expect(profile.duplicates.examples[0]).toMatchObject({ text: 'a b c', count: 2, rows: [0, 1] });
    expect(profile.splits).toEqual({ train: 2, eval: 1, test: 1 });
    expect(profile.sources).toEqual({ real: 3, synthetic: 1 });
    expect(profile.labelBySplit.train?.map((bin) => bin.count)).toEqual([1, 0, 1, 0, 0, 0, 0]);
  });

  it('uses equal-width bins for continuous labels', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({
      index: i,
      text: 'x',
      label: i / 10,
      split: 'train' as const,
      source: 'real' as const,
    }));
    const profile = computeProfile(rows, { task: 'regression' });
    expect(profile.label.histogram).toHaveLength(20);
    expect(profile.label.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(100);
    expect(profile.label.histogram[0]?.count).toBe(5);
  });
});
