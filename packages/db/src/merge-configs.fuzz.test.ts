// Property-based fuzzing (fast-check) of merge configs as the dashboard receives them: model
// references are resolved in one place (parseStoredMergeConfig) to Model rows only, so any YAML,
// aliases included, gives a plan whose every folder is a model's place in the store, or a
// MergeConfigError (a 4xx at the route). Nothing is stored, and no folder outside the store is named.
import { InputError } from '@tunelab/core/errors';
import { MergeConfigError } from '@tunelab/core/merge';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import fixtureConfig from '../../../fixtures/tiny-bert/config.json' with { type: 'json' };
import { createPrismaClient, type PrismaClient } from './client.ts';
import { checkStoredMergeable, parseStoredMergeConfig } from './merge-configs.ts';
import { createTestDatabase, type TTestDatabase } from './testing.ts';

// Each case queries the database: a tenth of TUNELAB_FUZZ_RUNS (1,000 by default).
const RUNS = Math.ceil(Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000) / 10);
let db: TTestDatabase;
let prisma: PrismaClient;
let ids: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('db_merge_fuzz');
  prisma = createPrismaClient(db.databaseUrl);
  const base = await prisma.model.create({
    data: { name: 'base', kind: 'base', config: fixtureConfig, artifactPath: 'models/base' },
  });
  const tuned = await Promise.all(
    ['a', 'b'].map((name) =>
      prisma.model.create({
        data: {
          name,
          kind: 'finetuned',
          config: fixtureConfig,
          artifactPath: `models/${name}`,
          baseModelId: base.id,
        },
      }),
    ),
  );
  ids = [base.id, ...tuned.map((m) => m.id)];
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function outcome(yaml: string): Promise<'plan' | 'refused'> {
  try {
    const stored = await parseStoredMergeConfig(
      prisma,
      yaml,
      'merge config',
      (m) => `store/${m.artifactPath}`,
    );
    const { plan } = stored;
    for (const ref of [plan.base, plan.tokenizerSource, plan.headSource, ...plan.models]) {
      if (ref) {
        expect(ids).toContain(ref.ref);
        expect(ref.path).toMatch(/^store\/models\/(base|a|b)$/);
      }
    }
    await checkStoredMergeable(prisma, stored, 'merge config');
    return 'plan';
  } catch (error) {
    if (!(error instanceof MergeConfigError)) throw error;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^merge config/);
    return 'refused';
  }
}

describe('stored merge configs (fuzzed, real database)', () => {
  it('the issue 14 drill: an alias to a folder is refused like any other non-id', async () => {
    const [base, a] = ids;
    const text = (target: string) =>
      `name: &p ${target}\nmerge_method: ties\nbase_model: ${base}\nmodels:\n  - model: ${a}\n    parameters: {weight: 1, density: 0.5}\n  - model: *p\n    parameters: {weight: 1, density: 0.5}\n`;
    const folder = await parseStoredMergeConfig(
      prisma,
      text('/some/folder'),
      'merge config',
      (m) => m.artifactPath,
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const etc = await parseStoredMergeConfig(
      prisma,
      text('/etc'),
      'merge config',
      (m) => m.artifactPath,
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(folder).toBeInstanceOf(MergeConfigError);
    expect(folder?.message).toMatch(/merge config: models: '\/some\/folder' is not a model id/);
    // the same answer whatever the path names: no existence oracle
    expect(etc?.message).toBe(folder?.message.replace('/some/folder', '/etc'));
    expect(await outcome(text(ids[2] as string))).toBe('plan');
    expect(await outcome(text(ids[2] as string).replace('weight: 1,', 'weight: 1e308,'))).toBe('refused');
  });

  it('configs of ids, paths, aliases and hostile numbers: a plan inside the store or a MergeConfigError', async () => {
    const ref = fc.oneof(
      fc.constantFrom(0, 1, 2).map((i) => ids[i] as string),
      fc.constantFrom('/some/folder', '/etc', '../models/a', 'models/a', 'a', ''),
      fc.string({ maxLength: 8 }),
    );
    const weight = fc.oneof(
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.constantFrom(1e308, Number.NaN, -1e9),
    );
    const config = fc.record(
      {
        merge_method: fc.constantFrom('linear', 'ties', 'task_arithmetic', 'slerp', 'nope'),
        base_model: ref,
        models: fc.array(
          fc.record({
            model: ref,
            parameters: fc.record({ weight, density: fc.double({ min: 0, max: 1, noNaN: true }) }),
          }),
          { maxLength: 3 },
        ),
        tokenizer_source: fc.oneof(fc.constant('base'), ref),
        head_source: ref,
        parameters: fc.record({ t: weight }, { requiredKeys: [] }),
      },
      { requiredKeys: ['merge_method', 'models'] },
    );
    // some cases route a model through an alias anchored on another key
    const yaml = fc.tuple(config, fc.option(ref)).map(([c, anchored]) => {
      const text = stringify(c);
      return anchored === null
        ? text
        : `name: &p ${JSON.stringify(anchored)}\n${text.replace(/model: .*\n/, 'model: *p\n')}`;
    });
    const seen = { plan: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(yaml, async (text) => {
        seen[await outcome(text)]++;
      }),
      { numRuns: RUNS },
    );
    expect(seen.refused).toBeGreaterThan(0);
    // nothing was stored: the three models, no merges
    expect(await prisma.model.count()).toBe(3);
    expect(await prisma.merge.count()).toBe(0);
  }, 120_000);
});
