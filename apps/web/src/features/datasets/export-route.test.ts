// GET /api/datasets/:id/export against real Postgres: a real dataset's rows in file order with
// empty provenance columns, as CSV and JSON lines; a bad format is a 400 naming it, an unknown
// dataset a 404. (Synthetic and composed rows' provenance: synth/synth-flow.test.ts.)
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let GET: typeof import('./api/export-route.ts').GET;
let datasetId: string;

beforeAll(async () => {
  db = await createTestDatabase('web_dataset_export');
  process.env.DATABASE_URL = db.databaseUrl;
  const { prisma } = await import('@tunelab/db');
  ({ GET } = await import('./api/export-route.ts'));
  const dataset = await prisma.dataset.create({
    data: {
      name: 'notes, 2026',
      task: 'regression',
      textColumn: 'text',
      labelColumn: 'score',
      rows: {
        create: [
          { index: 1, text: 'second, "quoted"\nline', label: 2, split: 'eval' },
          { index: 0, text: 'first', label: 1, split: 'train' },
        ],
      },
    },
  });
  datasetId = dataset.id;
});

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

const get = (id: string, query: string) =>
  GET(new Request(`http://x/api/datasets/${id}/export?${query}`), { params: Promise.resolve({ id }) });

describe('dataset export', () => {
  it('CSV: rows in file order, quoting kept, provenance columns empty for real rows', async () => {
    const response = await get(datasetId, 'format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="notes_2026.csv"');
    const rows: Record<string, string>[] = parse(await response.text(), { columns: true });
    expect(rows.map((r) => [r.index, r.text, r.label, r.split, r.source])).toEqual([
      ['0', 'first', '1', 'train', 'real'],
      ['1', 'second, "quoted"\nline', '2', 'eval', 'real'],
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(
      expect.arrayContaining(['generation_run_id', 'model', 'seed', 'reviewers']),
    );
    expect(rows.every((r) => r.generation_run_id === '' && r.model === '')).toBe(true);
  });

  it('JSON lines: one object per row with provenance null; bad format 400, unknown dataset 404', async () => {
    const lines = (await (await get(datasetId, 'format=jsonl')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.index, l.provenance])).toEqual([
      [0, null],
      [1, null],
    ]);
    const bad = await get(datasetId, 'format=xlsx');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/format/);
    expect((await get('nope', 'format=csv')).status).toBe(404);
  });
});
