// Integration (real PostgreSQL and Redis): model imports are idempotent like dataset creates. A
// retried import with the same Idempotency-Key (header or clientKey field) answers the model the
// first one stored, concurrent imports with one key store one model and one folder, and an import
// whose client went away stores nothing.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestEnv, destroyWebTestEnv, type TWebTestEnv } from '../../../test/web-test-env.ts';
import { POST as importModel } from './api/model-routes.ts';

let env: TWebTestEnv;
let files: { name: string; bytes: Uint8Array<ArrayBuffer> }[];

beforeAll(async () => {
  env = await createWebTestEnv('modelkey', { computeProcessorFile: null });
  const dir = path.resolve(import.meta.dirname, '../../../../../fixtures/tiny-bert');
  files = await Promise.all(
    ['config.json', 'model.safetensors', 'vocab.txt'].map(async (name) => ({
      name,
      bytes: new Uint8Array(await readFile(path.join(dir, name))),
    })),
  );
}, 60_000);
afterAll(() => destroyWebTestEnv(env));

/** The tiny-bert folder as a browser's multipart import. */
function upload(
  fields: Record<string, string> = {},
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('files', new Blob([file.bytes]), file.name);
  return new Request('http://t/api/models', { method: 'POST', body: form, ...init });
}

async function stored() {
  const list = async (dir: string) => (await readdir(path.join(env.artifacts, dir)).catch(() => [])).length;
  return {
    models: await env.prisma.model.count(),
    folders: await list('models'),
    uploads: await list('uploads'),
  };
}

describe('model imports with an Idempotency-Key', () => {
  it('a retried import with the same key stores one model; the retry is answered before its upload is read', async () => {
    const before = await stored();
    const first = await importModel(upload({ name: 'tiny' }, { headers: { 'idempotency-key': 'import-1' } }));
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const again = await importModel(upload({ name: 'tiny' }, { headers: { 'idempotency-key': 'import-1' } }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id, name: 'tiny', replayed: true });
    // the header is read first: a retry whose body is not even multipart still gets the model
    const bare = await importModel(
      new Request('http://t/api/models', {
        method: 'POST',
        headers: { 'idempotency-key': 'import-1' },
        body: 'x',
      }),
    );
    expect([bare.status, ((await bare.json()) as { id: string }).id]).toEqual([200, id]);
    expect(await stored()).toEqual({ models: before.models + 1, folders: before.folders + 1, uploads: 0 });
    expect(await env.prisma.model.findUniqueOrThrow({ where: { id } })).toMatchObject({
      clientKey: 'import-1',
    });
  });

  it('two concurrent imports with one clientKey field store one model and one folder', async () => {
    const before = await stored();
    const answers = await Promise.all([
      importModel(upload({ clientKey: 'race-m' })),
      importModel(upload({ clientKey: 'race-m' })),
    ]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(ids[0]).toBe(ids[1]);
    expect(await stored()).toEqual({ models: before.models + 1, folders: before.folders + 1, uploads: 0 });
  });

  it('imports without a key are not deduplicated; a bad key is a 400 naming it', async () => {
    const before = await stored();
    expect((await importModel(upload())).status).toBe(201);
    expect((await importModel(upload())).status).toBe(201);
    const bad = await importModel(upload({}, { headers: { 'idempotency-key': 'a b' } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/Idempotency-Key: letters, digits/);
    expect(await stored()).toEqual({ models: before.models + 2, folders: before.folders + 2, uploads: 0 });
  });

  it('an import whose client went away stores nothing', async () => {
    const before = await stored();
    const controller = new AbortController();
    controller.abort();
    const response = await importModel(upload({ clientKey: 'gone-1' }, { signal: controller.signal }));
    expect(response.status).toBe(499);
    expect(await stored()).toEqual(before);
    expect(await env.prisma.model.count({ where: { clientKey: 'gone-1' } })).toBe(0);
  });
});
