import { DatasetError, IssueList } from '../datasets/errors.ts';
import { formatFromFileName, parseRecords } from '../datasets/parse.ts';
import type { ScalingPoint } from './fit-scaling.ts';

/**
 * Reads scaling points from CSV/TSV text with columns `n` and `value`, and optionally `seed`
 * (other columns are ignored). Throws DatasetError naming the file, row and column of every bad cell.
 * @example parseScalingPoints('n,value,seed\n100,0.52,0\n100,0.49,1\n', 'points.csv')
 *   // [{ n: 100, value: 0.52, seed: '0' }, { n: 100, value: 0.49, seed: '1' }]
 */
export async function parseScalingPoints(text: string, fileName: string): Promise<ScalingPoint[]> {
  const format = formatFromFileName(fileName) === 'tsv' ? 'tsv' : 'csv';
  let index: { n: number; value: number; seed: number } = { n: -1, value: -1, seed: -1 };
  const points: ScalingPoint[] = [];
  const issues = new IssueList();
  await parseRecords(
    (async function* () {
      yield text;
    })(),
    {
      onHeader(columns) {
        index = { n: columns.indexOf('n'), value: columns.indexOf('value'), seed: columns.indexOf('seed') };
        const missing = (['n', 'value'] as const).filter((c) => index[c] < 0);
        if (missing.length) {
          throw new DatasetError(
            'missing_column',
            `${fileName} has no column ${missing.map((c) => `"${c}"`).join(' or ')} (columns: ${columns.join(', ')})`,
          );
        }
      },
      onRecord(values, row) {
        const cell = (i: number) => (values[i] ?? '').trim();
        const n = Number(cell(index.n));
        const value = Number(cell(index.value));
        if (cell(index.n) === '' || !Number.isFinite(n) || n <= 0) {
          issues.add({
            row,
            column: 'n',
            message: `"${cell(index.n)}" is not a positive number of examples`,
          });
        }
        if (cell(index.value) === '' || !Number.isFinite(value)) {
          issues.add({ row, column: 'value', message: `"${cell(index.value)}" is not a number` });
        }
        const seed = index.seed >= 0 && cell(index.seed) !== '' ? cell(index.seed) : null;
        points.push({ n, value, seed });
        return true;
      },
    },
    { format, fileName },
  );
  if (issues.total > 0) {
    throw new DatasetError('malformed', `${fileName} has bad scaling points`, issues.items, issues.total);
  }
  return points;
}
