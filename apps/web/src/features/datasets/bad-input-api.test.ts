// Integration (real PostgreSQL and Redis): the drills' hostile uploads each answer a 4xx naming the
// problem and store nothing; a create with an Idempotency-Key is not duplicated by a retry; an
// aborted request stores nothing; an unwritable store answers 507 naming the store, never its path;
// and a model upload's bad zip or name is refused the same way.
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestEnv, destroyWebTestEnv, type TWebTestEnv } from '../../../test/web-test-env.ts';
import { errorResponse } from '../../common/server/http.ts';
import { POST as importModel } from '../models/api/model-routes.ts';
import { POST as createDataset } from './api/datasets-route.ts';
import { POST as inspect } from './api/inspect-route.ts';

let env: TWebTestEnv;

beforeAll(async () => {
  env = await createWebTestEnv('badinput', {
    env: { TUNELAB_MAX_UPLOAD_MB: '2' },
    computeProcessorFile: null,
  });
}, 60_000);
afterAll(() => destroyWebTestEnv(env));

const spec = { name: 'ratings', task: 'regression', textColumn: 'text', labelColumn: 'score' };
const csv = 'text,score\na,1\nb,2\nc,3\n';

/** A multipart body written by hand, so file names reach the server byte for byte. */
function multipart(
  url: string,
  file: { name: string; content: string | Uint8Array },
  fields: Record<string, string> = {},
  init: RequestInit = {},
): Request {
  const boundary = 'tunelabboundary7MA4YWxkTrZu0gW';
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  parts.push(
    enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${
        // RFC 5987 form (a NUL cannot be sent raw in a header)
        file.name.includes('\u0000')
          ? `filename*=utf-8''${encodeURIComponent(file.name)}`
          : `filename="${file.name}"`
      }\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    typeof file.content === 'string' ? enc.encode(file.content) : file.content,
    enc.encode(`\r\n--${boundary}--\r\n`),
  );
  const body = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.byteLength;
  }
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...(init.headers ?? {}) },
    body,
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

async function stored() {
  return {
    datasets: await env.prisma.dataset.count(),
    models: await env.prisma.model.count(),
    uploads: (await readdir(path.join(env.artifacts, 'uploads')).catch(() => [])).length,
  };
}

async function refused(response: Response, status: number, message: RegExp): Promise<string> {
  const body = (await response.json()) as { error: string };
  expect({ status: response.status, error: body.error }).toMatchObject({
    status,
    error: expect.stringMatching(message),
  });
  return body.error;
}

describe('hostile dataset uploads', () => {
  const cases: [string, () => Request, number, RegExp][] = [
    [
      'a NUL in spec.name',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: 'r.csv', content: csv },
          { spec: JSON.stringify({ ...spec, name: 'a\u0000b' }) },
        ),
      400,
      /name holds a NUL character/,
    ],
    [
      'a NUL in the file name',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: 'r\u0000.csv', content: csv },
          { spec: JSON.stringify(spec) },
        ),
      400,
      /The file name "r\\u0000\.csv" holds a NUL/,
    ],
    [
      'a file name over 255 bytes',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: `${'é'.repeat(140)}.csv`, content: csv },
          { spec: JSON.stringify(spec) },
        ),
      400,
      /is 284 bytes long; at most 255 bytes/,
    ],
    [
      'a NUL in a text',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: 'n.csv', content: 'text,score\na\u0000b,1\n' },
          { spec: JSON.stringify(spec) },
        ),
      400,
      /n\.csv holds characters a dataset cannot store: row 1, column "text": holds a NUL/,
    ],
    [
      'a lone surrogate in a JSONL text',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: 's.jsonl', content: '{"text":"\\udc00","score":1}\n' },
          { spec: JSON.stringify(spec) },
        ),
      400,
      /row 1, column "text": holds an unpaired surrogate \(U\+DC00\)/,
    ],
    [
      'a field far over the limit',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: 'f.csv', content: `text,score\n"${'x'.repeat(1_500_000)}",1\n` },
          { spec: JSON.stringify(spec) },
        ),
      400,
      /f\.csv has a field longer than 1,000,000 characters: row 1, column "text"/,
    ],
    [
      'a bad Idempotency-Key',
      () =>
        multipart(
          'http://t/api/datasets',
          { name: 'r.csv', content: csv },
          { spec: JSON.stringify(spec) },
          { headers: { 'idempotency-key': 'a b' } },
        ),
      400,
      /Idempotency-Key: letters, digits/,
    ],
  ];
  for (const [what, request, status, message] of cases) {
    it(`${what}: ${status}, nothing stored`, async () => {
      const before = await stored();
      await refused(await createDataset(request()), status, message);
      expect(await stored()).toEqual(before);
    });
  }

  it('a raw NUL in a part header is a malformed upload (400), not a 500', async () => {
    const boundary = 'b0undary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\u0000.csv"\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
    const request = new Request('http://t/api/datasets/inspect', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    await refused(await inspect(request), 400, /not well-formed multipart\/form-data: Malformed part header/);
    expect((await stored()).uploads).toBe(0);
  });

  it('inspect also refuses a NUL file name and keeps nothing', async () => {
    await refused(
      await inspect(multipart('http://t/api/datasets/inspect', { name: 'x\u0000.csv', content: csv })),
      400,
      /NUL/,
    );
    expect((await stored()).uploads).toBe(0);
  });
});

describe('creates are idempotent and stop when the client goes away', () => {
  it('a retried multipart create with the same Idempotency-Key stores one dataset', async () => {
    const before = await stored();
    const send = () =>
      createDataset(
        multipart(
          'http://t/api/datasets',
          { name: 'r.csv', content: csv },
          { spec: JSON.stringify(spec) },
          { headers: { 'idempotency-key': 'retry-1' } },
        ),
      );
    const first = await send();
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id, rowCount: 3, replayed: true });
    expect((await stored()).datasets).toBe(before.datasets + 1);
    expect((await stored()).uploads).toBe(0);
  });

  it('two concurrent creates with one key store one dataset', async () => {
    const before = (await stored()).datasets;
    const send = () =>
      createDataset(
        multipart(
          'http://t/api/datasets',
          { name: 'r.csv', content: csv },
          { spec: JSON.stringify(spec), clientKey: 'race-1' },
        ),
      );
    const answers = await Promise.all([send(), send()]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(ids[0]).toBe(ids[1]);
    expect((await stored()).datasets).toBe(before + 1);
  });

  it('an aborted create stores nothing and leaves no upload', async () => {
    const before = await stored();
    const controller = new AbortController();
    const rows = Array.from({ length: 20_000 }, (_, i) => `text ${i},${i % 5}`).join('\n');
    const request = multipart(
      'http://t/api/datasets',
      { name: 'big.csv', content: `text,score\n${rows}\n` },
      { spec: JSON.stringify(spec) },
      { signal: controller.signal },
    );
    controller.abort();
    const response = await createDataset(request);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await stored()).toEqual(before);
  });
});

describe('model uploads', () => {
  it('refuses a zip entry that leaves its folder, naming it, and stores nothing', async () => {
    const before = await stored();
    const zip = zipSync({ 'x\\..\\..\\..\\evil.bat': new TextEncoder().encode('echo') });
    await refused(
      await importModel(multipart('http://t/api/models', { name: 'm.zip', content: zip })),
      422,
      /m\.zip: entry "x\\\\\.\.\\\\.*backslash/,
    );
    expect(await stored()).toEqual(before);
  });

  it('refuses a NUL in the model name field', async () => {
    await refused(
      await importModel(
        multipart('http://t/api/models', { name: 'config.json', content: '{}' }, { name: 'a\u0000' }),
      ),
      400,
      /name holds a NUL/,
    );
  });
});

describe('an unwritable artifact store', () => {
  it('answers 507 naming the store, not its path, for dataset and model uploads', async () => {
    const saved = process.env.TUNELAB_ARTIFACTS_DIR;
    // root ignores permissions: a folder under /sys refuses mkdir (EPERM) there
    const root =
      process.getuid?.() === 0 ? '/sys/fs/tunelab-store' : await mkdtemp(path.join(os.tmpdir(), 'ro-'));
    if (process.getuid?.() !== 0) await chmod(root, 0o500);
    process.env.TUNELAB_ARTIFACTS_DIR = root;
    try {
      const dataset = await refused(
        await createDataset(
          multipart('http://t/api/datasets', { name: 'r.csv', content: csv }, { spec: JSON.stringify(spec) }),
        ),
        507,
        /The artifact store \(TUNELAB_ARTIFACTS_DIR\) cannot be written/,
      );
      const model = await refused(
        await importModel(multipart('http://t/api/models', { name: 'config.json', content: '{}' })),
        507,
        /The artifact store \(TUNELAB_ARTIFACTS_DIR\) cannot be written/,
      );
      for (const message of [dataset, model]) expect(message).not.toContain(root);
    } finally {
      process.env.TUNELAB_ARTIFACTS_DIR = saved;
      if (process.getuid?.() !== 0) await rm(root, { recursive: true, force: true });
    }
  });
});

describe('500 bodies', () => {
  it('hold no internal text: no SQL, no Prisma text, no server path', async () => {
    const sql = new Error(
      `invalid byte sequence for encoding "UTF8": 0x00 in INSERT INTO "DatasetRow" SELECT ... FROM unnest`,
    );
    const system = Object.assign(
      new Error(`ENOENT: no such file or directory, open '${env.artifacts}/models/m1/config.json'`),
      {
        errno: -2,
        code: 'ENOENT',
      },
    );
    for (const error of [sql, system]) {
      const response = errorResponse(error, 'test');
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: string };
      expect(body.error).toMatch(
        /^Internal error \(reference [0-9a-f]{8}\); the server log has the details$/,
      );
    }
    const plain = errorResponse(
      new Error(`cannot read ${env.artifacts}/models/m1 or /etc/config.json`),
      'test',
    );
    const text = ((await plain.json()) as { error: string }).error;
    expect(text).not.toContain(env.artifacts);
    expect(text).not.toContain('/etc/');
  });
});
