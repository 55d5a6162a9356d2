import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { createTestDatabase, type TTestDatabase } from './testing.ts';

let db: TTestDatabase;
let prisma: PrismaClient;
let hk: typeof import('./housekeeping.ts');
let artifacts: string;

beforeAll(async () => {
  db = await createTestDatabase('db_housekeeping');
  prisma = createPrismaClient(db.databaseUrl);
  artifacts = await mkdtemp(path.join(tmpdir(), 'tunelab-hk-'));
  process.env.TUNELAB_ARTIFACTS_DIR = artifacts;
  hk = await import('./housekeeping.ts');
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function model(name: string, extra: { baseModelId?: string; parentRunId?: string } = {}) {
  const id = `m_${name}`;
  const artifactPath = `models/${id}`;
  await mkdir(path.join(artifacts, artifactPath), { recursive: true });
  await writeFile(path.join(artifacts, artifactPath, 'config.json'), '{}');
  return prisma.model.create({ data: { id, name, kind: 'base', config: {}, artifactPath, ...extra } });
}

describe('housekeeping', () => {
  it('renames, refuses an empty name, and archives and restores', async () => {
    const m = await model('old-name');
    await hk.renameItem('model', m.id, '  new name ', prisma);
    expect((await prisma.model.findUniqueOrThrow({ where: { id: m.id } })).name).toBe('new name');
    await expect(hk.renameItem('model', m.id, '   ', prisma)).rejects.toThrow(/name is empty/);
    await hk.setArchived('model', m.id, true, prisma);
    expect((await prisma.model.findUniqueOrThrow({ where: { id: m.id } })).archivedAt).not.toBeNull();
    await hk.setArchived('model', m.id, false, prisma);
    expect((await prisma.model.findUniqueOrThrow({ where: { id: m.id } })).archivedAt).toBeNull();
    const run = await prisma.run.create({ data: { kind: 'train', status: 'succeeded' } });
    await hk.renameItem('run', run.id, 'lr 1e-4', prisma);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).name).toBe('lr 1e-4');
  });

  it('refuses to delete a model others depend on, naming them, and cascades on request', async () => {
    const base = await model('base');
    const run = await prisma.run.create({
      data: { kind: 'train', status: 'succeeded', modelId: base.id, name: 'ft run' },
    });
    await mkdir(path.join(artifacts, 'runs', run.id), { recursive: true });
    const tuned = await model('tuned', { baseModelId: base.id, parentRunId: run.id });

    const refusal = await hk.deleteItem('model', base.id, {}, prisma).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(hk.ItemInUse);
    expect((refusal as Error).message).toContain('model "tuned"');
    expect((refusal as Error).message).toContain('run "ft run"');
    expect(await prisma.model.count({ where: { id: { in: [base.id, tuned.id] } } })).toBe(2);

    const deleted = await hk.deleteItem('model', base.id, { cascade: true }, prisma);
    expect(deleted.map((d) => `${d.kind}:${d.name}`).sort()).toEqual([
      'model:base',
      'model:tuned',
      'run:ft run',
    ]);
    expect(await prisma.model.count({ where: { id: { in: [base.id, tuned.id] } } })).toBe(0);
    expect(await prisma.run.count({ where: { id: run.id } })).toBe(0);
    expect(existsSync(path.join(artifacts, 'models', base.id))).toBe(false);
    expect(existsSync(path.join(artifacts, 'models', tuned.id))).toBe(false);
    expect(existsSync(path.join(artifacts, 'runs', run.id))).toBe(false);
  });

  it('refuses to delete running work and names a missing item', async () => {
    const run = await prisma.run.create({ data: { kind: 'train', status: 'running' } });
    await expect(hk.deleteItem('run', run.id, {}, prisma)).rejects.toThrow(/is running: cancel it/);
    await expect(hk.deleteItem('dataset', 'nope', {}, prisma)).rejects.toThrow(/dataset nope does not exist/);
  });

  it('refuses to delete a cross-validation run naming its folds, and cascades to them on request', async () => {
    const cv = await prisma.run.create({ data: { kind: 'crossval', status: 'succeeded', name: 'cv 5' } });
    const folds = await Promise.all(
      [0, 1].map((f) =>
        prisma.run.create({
          data: { kind: 'train', status: 'succeeded', parentRunId: cv.id, name: `fold ${f}` },
        }),
      ),
    );
    for (const r of [cv, ...folds]) await mkdir(path.join(artifacts, 'runs', r.id), { recursive: true });
    const foldModel = await model('fold-0-model', { parentRunId: folds[0]?.id });

    const refusal = await hk.deleteItem('run', cv.id, {}, prisma).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(hk.ItemInUse);
    expect((refusal as Error).message).toContain('run "fold 0"');
    expect((refusal as Error).message).toContain('run "fold 1"');
    expect(await prisma.run.count({ where: { id: { in: [cv.id, ...folds.map((f) => f.id)] } } })).toBe(3);

    const deleted = await hk.deleteItem('run', cv.id, { cascade: true }, prisma);
    expect(deleted.map((d) => `${d.kind}:${d.name}`).sort()).toEqual([
      'model:fold-0-model',
      'run:cv 5',
      'run:fold 0',
      'run:fold 1',
    ]);
    expect(await prisma.run.count({ where: { id: { in: [cv.id, ...folds.map((f) => f.id)] } } })).toBe(0);
    for (const r of [cv, ...folds]) expect(existsSync(path.join(artifacts, 'runs', r.id))).toBe(false);
    expect(existsSync(path.join(artifacts, 'models', foldModel.id))).toBe(false);
  });

  it('deletes a merge search with its candidate runs and their work folders', async () => {
    const search = await prisma.mergeSearch.create({
      data: { name: 'soup', config: '{}', run: { create: { kind: 'search', status: 'succeeded' } } },
    });
    const candidates = await Promise.all(
      [0, 1].map((index) =>
        prisma.run.create({
          data: {
            kind: 'search_candidate',
            status: 'succeeded',
            searchCandidate: {
              create: { searchId: search.id, phase: 'explore', index, mode: 'recipe', request: {} },
            },
          },
        }),
      ),
    );
    const other = await prisma.run.create({ data: { kind: 'train', status: 'succeeded' } });
    for (const r of [search.runId, ...candidates.map((c) => c.id)])
      await mkdir(path.join(artifacts, 'runs', r), { recursive: true });
    await mkdir(path.join(artifacts, 'searches', search.id, 'explore-0'), { recursive: true });

    // a candidate still running makes the search busy
    await prisma.run.update({ where: { id: candidates[1]?.id }, data: { status: 'running' } });
    await expect(hk.deleteItem('run', search.runId, {}, prisma)).rejects.toThrow(/1 candidate run queued/);
    expect(await prisma.searchCandidate.count({ where: { searchId: search.id } })).toBe(2);
    await prisma.run.update({ where: { id: candidates[1]?.id }, data: { status: 'cancelled' } });

    const deleted = await hk.deleteItem('run', search.runId, {}, prisma);
    expect(deleted.map((d) => d.id)).toEqual([search.runId]);
    const ids = [search.runId, ...candidates.map((c) => c.id)];
    expect(await prisma.run.count({ where: { id: { in: ids } } })).toBe(0);
    expect(await prisma.mergeSearch.count({ where: { id: search.id } })).toBe(0);
    expect(await prisma.searchCandidate.count({ where: { searchId: search.id } })).toBe(0);
    for (const r of ids) expect(existsSync(path.join(artifacts, 'runs', r))).toBe(false);
    expect(existsSync(path.join(artifacts, 'searches', search.id))).toBe(false);
    expect(await prisma.run.count({ where: { id: other.id } })).toBe(1);
  });
});
