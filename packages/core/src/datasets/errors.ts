import { InputError } from '../errors/index.ts';
/** One problem in an uploaded file, located as precisely as we can. */
export interface TDatasetIssue {
  /** 1-based data row (the header is row 0). */
  row?: number;
  column?: string;
  message: string;
}

export type TDatasetErrorCode =
  | 'empty_file'
  | 'invalid_encoding'
  | 'malformed'
  | 'duplicate_header'
  | 'missing_column'
  | 'invalid_label'
  | 'label_out_of_range'
  | 'invalid_text'
  | 'invalid_split'
  | 'invalid_source'
  | 'too_large'
  | 'field_too_long'
  | 'invalid_characters'
  | 'unsupported_format'
  | 'invalid_options'
  | 'incompatible_datasets';

/** Most issues listed in one message: enough to fix a file, short enough to read. */
const MAX_LISTED = 5;

/**
 * A rejected dataset file. The message names the file and the first bad rows/columns; `issues`
 * carries all of them (capped) for the UI.
 */
export class DatasetError extends InputError {
  readonly code: TDatasetErrorCode;
  readonly issues: TDatasetIssue[];
  readonly totalIssues: number;

  constructor(code: TDatasetErrorCode, summary: string, issues: TDatasetIssue[] = [], totalIssues?: number) {
    const listed = issues.slice(0, MAX_LISTED).map(formatIssue);
    const total = totalIssues ?? issues.length;
    const more = total > listed.length ? `; and ${total - listed.length} more` : '';
    super(listed.length > 0 ? `${summary}: ${listed.join('; ')}${more}` : summary);
    this.name = 'DatasetError';
    this.code = code;
    this.issues = issues.slice(0, 50);
    this.totalIssues = total;
  }
}

export function formatIssue(issue: TDatasetIssue): string {
  const where = [
    issue.row !== undefined ? `row ${issue.row}` : '',
    issue.column !== undefined ? `column "${issue.column}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Collects issues of one kind while scanning, keeping the count past the cap. */
export class IssueList {
  readonly items: TDatasetIssue[] = [];
  total = 0;

  add(issue: TDatasetIssue): void {
    this.total += 1;
    if (this.items.length < 50) this.items.push(issue);
  }
}
