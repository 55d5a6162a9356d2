// Integration: real PostgreSQL, Redis and worker. Upload → dataset.profile job → stored profile, and
// every bad input answers with its message and leaves the database unchanged.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { datasetItems } from '@tunelab/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestEnv, destroyWebTestEnv, type TWebTestEnv } from '../../../test/web-test-env.ts';
import { GET as getHealth } from '../../server/health.ts';
import { GET_ROWS, GET as getDataset } from './api/dataset-route.ts';
import { POST as createDataset, GET as listDatasets } from './api/datasets-route.ts';
import { POST as inspect } from './api/inspect-route.ts';
import { buildUploadSpec, EMPTY_UPLOAD_FORM, formItems } from './lib/upload-spec.ts';
import { deleteUpload } from './lib/upload-store.ts';

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];
let artifacts: string;

beforeAll(async () => {
  env = await createWebTestEnv('datasets', {
    env: { TUNELAB_MAX_UPLOAD_MB: '1' },
    computeProcessorFile: null,
  });
  ({ prisma, artifacts } = env);
}, 60_000);

afterAll(() => destroyWebTestEnv(env));

function form(
  fileName: string,
  content: string | Uint8Array<ArrayBuffer>,
  fields: Record<string, string> = {},
): Request {
  const body = new FormData();
  body.set('file', new Blob([content]), fileName);
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return new Request('http://test/api/datasets', { method: 'POST', body });
}

function json(body: unknown): Request {
  return new Request('http://test/api/datasets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function counts() {
  return { datasets: await prisma.dataset.count(), rows: await prisma.datasetRow.count() };
}

const ratingCsv = `text,score\n${Array.from({ length: 40 }, (_, i) => `"interview ${i}, part ${i % 3}",${i % 7}`).join('\n')}\n`;
const ratingSpec = {
  name: 'ratings',
  task: 'regression',
  textColumn: 'text',
  labelColumn: 'score',
  labelMin: 0,
  labelMax: 6,
};

describe('dataset upload', () => {
  it('inspects, creates, and the worker stores the profile', async () => {
    const inspected = await inspect(form('ratings.csv', ratingCsv));
    expect(inspected.status).toBe(200);
    const info = (await inspected.json()) as {
      uploadId: string;
      columns: string[];
      preview: string[][];
      format: string;
    };
    expect(info.columns).toEqual(['text', 'score']);
    expect(info.format).toBe('csv');
    expect(info.preview[1]).toEqual(['interview 1, part 1', '1']);

    const created = await createDataset(json({ uploadId: info.uploadId, spec: ratingSpec }));
    expect(created.status).toBe(201);
    const { id, rowCount } = (await created.json()) as { id: string; rowCount: number };
    expect(rowCount).toBe(40);

    let dataset = await prisma.dataset.findUniqueOrThrow({ where: { id } });
    while (dataset.status !== 'ready' && dataset.status !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 25));
      dataset = await prisma.dataset.findUniqueOrThrow({ where: { id } });
    }
    expect(dataset.status).toBe('ready');
    const stats = dataset.stats as {
      rowCount: number;
      label: { histogram: { count: number }[] };
      splits: Record<string, number>;
    };
    expect(stats.rowCount).toBe(40);
    expect(stats.label.histogram.map((bin) => bin.count)).toEqual([6, 6, 6, 6, 6, 5, 5]);
    expect(stats.splits).toEqual({ train: 32, eval: 4, test: 4 });

    const response = await getDataset(new Request(`http://test/api/datasets/${id}`), {
      params: Promise.resolve({ id }),
    });
    expect(((await response.json()) as { dataset: { status: string } }).dataset.status).toBe('ready');
    const page = await GET_ROWS(new Request(`http://test/api/datasets/${id}/rows?page=2&pageSize=15`), {
      params: Promise.resolve({ id }),
    });
    const rows = (await page.json()) as { total: number; rows: { index: number; text: string }[] };
    expect(rows.total).toBe(40);
    expect(rows.rows.map((row) => row.index)).toEqual(Array.from({ length: 15 }, (_, i) => i + 15));
    // The upload was consumed.
    expect(await readdir(path.join(artifacts, 'uploads'))).toEqual([]);
    const list = (await (await listDatasets()).json()) as { datasets: { id: string }[] };
    expect(list.datasets.map((d) => d.id)).toContain(id);
  });

  it('creates in one multipart request (classification, JSONL)', async () => {
    const jsonl = ['pos', 'neg', 'pos', 'neutral']
      .map((label, i) => JSON.stringify({ t: `text ${i}`, y: label }))
      .join('\n');
    const response = await createDataset(
      form('s.jsonl', jsonl, {
        spec: JSON.stringify({
          name: 'sentiment',
          task: 'classification',
          textColumn: 't',
          labelColumn: 'y',
        }),
      }),
    );
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const dataset = await prisma.dataset.findUniqueOrThrow({ where: { id } });
    expect(dataset.classes).toEqual(['neg', 'neutral', 'pos']);
    const labels = await prisma.datasetRow.findMany({ where: { datasetId: id }, orderBy: { index: 'asc' } });
    expect(labels.map((row) => row.label)).toEqual([2, 0, 2, 1]);
    expect(labels.map((row) => row.labelText)).toEqual(['pos', 'neg', 'pos', 'neutral']);
    expect(labels.map((row) => row.text)).toEqual(['text 0', 'text 1', 'text 2', 'text 3']);
    expect(
      labels.every((row) => ['train', 'eval', 'test'].includes(row.split) && row.source === 'real'),
    ).toBe(true);
  });

  it('creates wide and long multi-item datasets from the upload form’s spec', async () => {
    const upload = async (fileName: string, content: string) => {
      const inspected = await inspect(form(fileName, content));
      expect(inspected.status).toBe(200);
      return (await inspected.json()) as { uploadId: string; columns: string[]; preview: string[][] };
    };
    const stored = async (response: Response) => {
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };
      const dataset = await prisma.dataset.findUniqueOrThrow({ where: { id } });
      const rows = await prisma.datasetRow.findMany({ where: { datasetId: id }, orderBy: { index: 'asc' } });
      return { dataset, rows };
    };
    const base = { ...EMPTY_UPLOAD_FORM, textColumn: 'text', splitColumn: 'split' };

    const wideCsv = 'text,sad,sleep,split\nfeels low,4,,train\nsleeps badly,1,3,train\nfine,0,0,eval\n';
    const wideInfo = await upload('wide.csv', wideCsv);
    const wideForm = {
      ...base,
      name: 'wide',
      shape: 'wide' as const,
      labelColumns: ['sad', 'sleep'],
      itemRanges: { sad: { min: '0', max: '6' }, sleep: { min: '0', max: '3' } },
    };
    expect(formItems(wideForm, wideInfo.columns, wideInfo.preview)).toEqual(['sad', 'sleep']);
    const wide = await stored(
      await createDataset(json({ uploadId: wideInfo.uploadId, spec: buildUploadSpec(wideForm) })),
    );
    expect(wide.dataset.shape).toBe('wide');
    expect(wide.dataset.labelColumns).toEqual(['sad', 'sleep']);
    expect(datasetItems(wide.dataset)).toEqual([
      { name: 'sad', labelMin: 0, labelMax: 6 },
      { name: 'sleep', labelMin: 0, labelMax: 3 },
    ]);
    expect(wide.rows.map((row) => row.labels)).toEqual([
      [4, null],
      [1, 3],
      [0, 0],
    ]);

    const longCsv = 'text,item,score,split\nlow mood,sad,4,train\nwakes early,sleep,2,train\nok,sad,1,eval\n';
    const longInfo = await upload('long.csv', longCsv);
    const longForm = {
      ...base,
      name: 'long',
      shape: 'long' as const,
      itemColumn: 'item',
      labelColumn: 'score',
      itemRanges: { sleep: { min: '0', max: '3' } },
    };
    expect(formItems(longForm, longInfo.columns, longInfo.preview)).toEqual(['sad', 'sleep']);
    const long = await stored(
      await createDataset(json({ uploadId: longInfo.uploadId, spec: buildUploadSpec(longForm) })),
    );
    expect(long.dataset.shape).toBe('long');
    expect(long.dataset.itemColumn).toBe('item');
    expect(datasetItems(long.dataset)?.find((item) => item.name === 'sleep')).toEqual({
      name: 'sleep',
      labelMin: 0,
      labelMax: 3,
    });

    // a long score outside its item's range is refused by name, nothing stored
    const before = await counts();
    const badInfo = await upload('bad.csv', 'text,item,score,split\nx,sleep,5,train\ny,sad,1,eval\n');
    const bad = await createDataset(json({ uploadId: badInfo.uploadId, spec: buildUploadSpec(longForm) }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/sleep/);
    expect(await counts()).toEqual(before);
    // a refused create keeps the upload for a corrected spec; this test is done with it
    await deleteUpload(badInfo.uploadId);
    expect(await readdir(path.join(artifacts, 'uploads'))).toEqual([]);
  });
});

describe('bad input gets its message and stores nothing', () => {
  const invalidUtf8 = new Uint8Array([
    ...new TextEncoder().encode('text,score\ncaf'),
    0xe9,
    ...new TextEncoder().encode(',1\n'),
  ]);
  const cases: {
    name: string;
    file: string;
    content: string | Uint8Array<ArrayBuffer>;
    spec?: object;
    status: number;
    message: RegExp;
  }[] = [
    { name: 'empty file', file: 'e.csv', content: '', status: 400, message: /e\.csv is empty/ },
    {
      name: 'malformed CSV',
      file: 'm.csv',
      content: 'text,score\na,1\nb\n',
      status: 400,
      message: /row 2, column "score": has 1 fields/,
    },
    {
      name: 'missing column',
      file: 'c.csv',
      content: 'body,score\na,1\n',
      status: 400,
      message: /no column "text"/,
    },
    {
      name: 'non-numeric label',
      file: 'n.csv',
      content: 'text,score\na,1\nb,high\n',
      status: 400,
      message: /row 2, column "score": "high" is not a number/,
    },
    {
      name: 'label out of range',
      file: 'r.csv',
      content: 'text,score\na,1\nb,9\n',
      status: 400,
      message: /row 2, column "score": 9 is outside \[0, 6\]/,
    },
    {
      name: 'invalid UTF-8',
      file: 'u.csv',
      content: invalidUtf8,
      status: 400,
      message: /is not valid UTF-8 \(byte 0xe9/,
    },
    {
      name: 'duplicate header',
      file: 'd.csv',
      content: 'text,score,score\na,1,2\n',
      status: 400,
      message: /column "score": appears as column 2 and column 3/,
    },
    {
      name: 'over the size limit',
      file: 'big.csv',
      content: `text,score\n${'x,1\n'.repeat(300_000)}`,
      status: 413,
      message: /larger than the 1 MB limit/,
    },
    {
      name: 'invalid spec',
      file: 'ok.csv',
      content: 'text,score\na,1\n',
      spec: { ...ratingSpec, labelMin: 5, labelMax: 1 },
      status: 400,
      message: /labelMin is greater than labelMax/,
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const before = await counts();
      const response = await createDataset(
        form(testCase.file, testCase.content, { spec: JSON.stringify(testCase.spec ?? ratingSpec) }),
      );
      const body = (await response.json()) as { error: string };
      expect(response.status).toBe(testCase.status);
      expect(body.error).toMatch(testCase.message);
      expect(await counts()).toEqual(before);
      expect(await readdir(path.join(artifacts, 'uploads')).catch(() => [])).toEqual([]);
    });
  }

  it('a bad file fails at inspect too, and its upload is deleted', async () => {
    const response = await inspect(form('d.csv', 'a,a\n1,2\n'));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('duplicate_header');
    expect(await readdir(path.join(artifacts, 'uploads'))).toEqual([]);
  });

  it('an unknown uploadId is a 404', async () => {
    const response = await createDataset(
      json({ uploadId: '6f1c7a55-7a43-4d4e-8f43-1f1f2d3c4b5a', spec: ratingSpec }),
    );
    expect(response.status).toBe(404);
  });
});

describe('GET /api/health', () => {
  it('is 200 with database, redis and the live worker', async () => {
    const response = await getHealth();
    const body = (await response.json()) as {
      status: string;
      database: { ok: boolean };
      redis: { ok: boolean };
      workers: { alive: number; list: { id: string }[] };
    };
    expect(response.status).toBe(200);
    expect(body.database.ok).toBe(true);
    expect(body.redis.ok).toBe(true);
    expect(body.workers.list.map((w) => w.id)).toContain(env.workerId);
  });
});
