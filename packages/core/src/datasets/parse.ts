import { readCsv } from './csv.ts';
import { DatasetError, IssueList } from './errors.ts';
import type { TDatasetFormat } from './schemas.ts';

export interface TRecordSink {
  /** Called once with the column names, before any record. */
  onHeader?(columns: string[]): void;
  /** `row` is 1-based (header is row 0); `values` align with the header. Return false to stop. */
  onRecord(values: (string | undefined)[], row: number): boolean | undefined;
}

export interface TParseOptions {
  format: TDatasetFormat;
  fileName?: string;
}

/** Guesses the format from the file name; JSONL also for .ndjson/.json, TSV for .tab. */
export function formatFromFileName(fileName: string): TDatasetFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  return undefined;
}

/**
 * Streams records of a CSV/TSV/JSONL text to `sink`. Throws DatasetError for an empty file,
 * duplicate or missing header names, malformed rows (row and column named) and bad JSON lines.
 * Returns the header and the number of data rows read.
 */
export async function parseRecords(
  chunks: AsyncIterable<string>,
  sink: TRecordSink,
  options: TParseOptions,
): Promise<{ columns: string[]; rows: number }> {
  const fileName = options.fileName ?? 'file';
  const result =
    options.format === 'jsonl'
      ? await parseJsonl(chunks, sink, fileName)
      : options.format === 'tsv'
        ? await parseDelimited(chunks, sink, '\t', fileName)
        : await parseCsv(chunks, sink, fileName);
  if (result.columns.length === 0) throw new DatasetError('empty_file', `${fileName} is empty`);
  if (result.rows === 0) {
    throw new DatasetError('empty_file', `${fileName} has a header but no data rows`);
  }
  return result;
}

/**
 * The separator of a .csv file from its header line: "," unless the header has ";" and no ","
 * (spreadsheets in locales with a decimal comma save "CSV" with ";").
 */
export function sniffCsvDelimiter(firstChunk: string): ',' | ';' {
  const header = firstChunk.split(/\r?\n/, 1)[0] ?? '';
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

async function parseCsv(
  chunks: AsyncIterable<string>,
  sink: TRecordSink,
  fileName: string,
): Promise<{ columns: string[]; rows: number }> {
  // Read until the header line is complete, then hand those chunks on unchanged.
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: string[] = [];
  let head = '';
  while (!head.includes('\n')) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
    head += next.value;
  }
  async function* replay(): AsyncIterable<string> {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return parseDelimited(replay(), sink, sniffCsvDelimiter(head), fileName);
}

/** Header names as written, with empty ones named by position; duplicates are an error. */
export function checkHeader(raw: string[], fileName: string): string[] {
  const columns = raw.map((name, i) => name.trim() || `column_${i + 1}`);
  const seen = new Map<string, number>();
  const issues = new IssueList();
  columns.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      issues.add({ column: name, message: `appears as column ${first + 1} and column ${i + 1}` });
    } else seen.set(name, i);
  });
  if (issues.total > 0) {
    throw new DatasetError(
      'duplicate_header',
      `${fileName} has duplicate header names`,
      issues.items,
      issues.total,
    );
  }
  return columns;
}

/**
 * Longest field (CSV/TSV) or JSONL cell, in characters: a text a BERT model reads is far shorter,
 * and a runaway quoted field (a missing closing quote) is caught here instead of swallowing the file.
 */
export const MAX_FIELD_CHARS = 1_000_000;
/** Longest JSONL line: a record's cells together. */
export const MAX_JSONL_LINE_CHARS = 2 * MAX_FIELD_CHARS;
/** Longest CSV/TSV record, its fields together: bounds memory while a record is being read. */
export const MAX_RECORD_CHARS = MAX_JSONL_LINE_CHARS;

function fieldTooLong(fileName: string, row: number, column: string): DatasetError {
  return new DatasetError(
    'field_too_long',
    `${fileName} has a field longer than ${MAX_FIELD_CHARS.toLocaleString('en-US')} characters`,
    [{ row, column, message: 'is too long (is a closing quote missing?)' }],
  );
}

async function parseDelimited(
  chunks: AsyncIterable<string>,
  sink: TRecordSink,
  delimiter: string,
  fileName: string,
): Promise<{ columns: string[]; rows: number }> {
  let columns: string[] = [];
  let rows = 0;
  let tooLong: DatasetError | undefined;
  const malformed = new IssueList();
  const columnName = (field: number) => columns[field] ?? `column ${field + 1}`;
  await readCsv(chunks, {
    delimiter,
    maxFieldChars: MAX_FIELD_CHARS,
    maxRecordChars: MAX_RECORD_CHARS,
    onIssue(issue) {
      if (issue.kind === 'field_too_long') {
        tooLong = fieldTooLong(fileName, issue.row, columnName(issue.field));
        return;
      }
      if (issue.kind === 'record_too_long') {
        tooLong = new DatasetError(
          'field_too_long',
          `${fileName} has a row longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters`,
          [
            {
              row: issue.row,
              column: columnName(issue.field),
              message: 'is too long (is a closing quote missing?)',
            },
          ],
        );
        return;
      }
      malformed.add({
        row: issue.row,
        column: issue.row > 0 ? columns[issue.field] : undefined,
        message:
          issue.kind === 'unclosed_quote'
            ? 'a quoted field is never closed (missing ")'
            : 'has a misplaced quote ("); wrap the field in quotes and double inner quotes',
      });
    },
    onRecord(values, row) {
      if (row === 0) {
        columns = checkHeader(values, fileName);
        sink.onHeader?.(columns);
        return true;
      }
      rows = row;
      if (values.length !== columns.length) {
        const column = values.length > columns.length ? undefined : columns[values.length];
        malformed.add({
          row,
          column,
          message: `has ${values.length} fields, the header has ${columns.length}${
            column ? ` (no value for "${column}")` : ''
          }`,
        });
        return true;
      }
      if (malformed.total > 0) return true;
      return sink.onRecord(values, row) !== false;
    },
  });
  if (tooLong) throw tooLong;
  if (malformed.total > 0) {
    throw new DatasetError('malformed', `${fileName} is not well-formed`, malformed.items, malformed.total);
  }
  return { columns, rows };
}

async function parseJsonl(
  chunks: AsyncIterable<string>,
  sink: TRecordSink,
  fileName: string,
): Promise<{ columns: string[]; rows: number }> {
  let columns: string[] = [];
  let row = 0;
  const issues = new IssueList();
  let stopped = false;

  const handleLine = (line: string): void => {
    if (stopped || line.trim() === '') return;
    row += 1;
    const depth = jsonNesting(line);
    if (depth > MAX_JSON_DEPTH) {
      issues.add({ row, message: `nests values ${depth} levels deep (at most ${MAX_JSON_DEPTH})` });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      issues.add({ row, message: `is not valid JSON (${(error as Error).message})` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      issues.add({ row, message: 'is not a JSON object' });
      return;
    }
    const record = value as Record<string, unknown>;
    if (columns.length === 0) {
      columns = Object.keys(record);
      if (columns.length === 0) {
        issues.add({ row, message: 'is an empty object: no columns' });
        return;
      }
      sink.onHeader?.(columns);
    }
    if (issues.total > 0) return;
    const values = columns.map((column) => jsonCell(record[column]));
    const long = values.findIndex((value) => value !== undefined && value.length > MAX_FIELD_CHARS);
    if (long >= 0) throw fieldTooLong(fileName, row, columns[long] as string);
    if (sink.onRecord(values, row) === false) stopped = true;
  };

  // Newlines are searched in each new chunk only; a line's pieces are joined once (linear time).
  let pieces: string[] = [];
  let pendingChars = 0;
  const lineTooLong = () =>
    new DatasetError(
      'field_too_long',
      `${fileName} has a line longer than ${MAX_JSONL_LINE_CHARS.toLocaleString('en-US')} characters`,
      [{ row: row + 1, message: 'is too long' }],
    );
  for await (const chunk of chunks) {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline >= 0 && !stopped) {
      if (pendingChars + newline - start > MAX_JSONL_LINE_CHARS) throw lineTooLong();
      pieces.push(chunk.slice(start, newline));
      handleLine(pieces.join('').replace(/\r$/, ''));
      pieces = [];
      pendingChars = 0;
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (stopped) break;
    if (start < chunk.length) {
      pieces.push(chunk.slice(start));
      pendingChars += chunk.length - start;
      if (pendingChars > MAX_JSONL_LINE_CHARS) throw lineTooLong();
    }
  }
  if (!stopped) handleLine(pieces.join(''));
  if (issues.total > 0) {
    throw new DatasetError('malformed', `${fileName} is not valid JSONL`, issues.items, issues.total);
  }
  return { columns, rows: row };
}

/** Deeper JSONL values are refused: a cell is text, and JSON.stringify of 10,000 levels overflows the stack. */
export const MAX_JSON_DEPTH = 64;

/** The deepest bracket nesting of a JSON text, outside strings; one linear pass. */
function jsonNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

function jsonCell(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
