// Property-based fuzzing (fast-check) of the mergekit YAML a user writes or uploads: any text, and
// configs shaped from hostile values (non-finite and huge numbers, aliases to paths, wrong types),
// either give a plan whose numbers are all finite and whose models are all resolver-approved ids, or
// are refused with a MergeConfigError (an InputError: a 4xx at the route). Nothing else escapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../errors/index.ts';
import { MergeConfigError, type ModelResolver, parseMergeConfig } from './config.ts';
import { listModelRefs } from './model-refs.ts';

const RUNS = Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000);
const IDS = ['base-id', 'a-id', 'b-id'];
const resolveModel: ModelResolver = (ref, field) => {
  if (!IDS.includes(ref)) throw new MergeConfigError(`m.yml: ${field}: '${ref}' is not a model id`);
  return { ref, name: ref, path: `store/${ref}`, written: ref };
};

function outcome(text: string): 'plan' | 'refused' {
  try {
    const plan = parseMergeConfig(text, 'm.yml', { resolveModel });
    for (const model of [plan.base, plan.tokenizerSource, plan.headSource, ...plan.models]) {
      if (model) expect(IDS).toContain(model.ref);
    }
    for (const model of plan.models) {
      for (const value of Object.values(model.parameters)) expect(Number.isFinite(value)).toBe(true);
    }
    for (const value of Object.values(plan.parameters)) {
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    }
    return 'plan';
  } catch (error) {
    if (!(error instanceof MergeConfigError)) throw error;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^m\.yml/);
    return 'refused';
  }
}

const number = fc.oneof(
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 0, 1, 0.5, -0.5, 101),
  fc.integer(),
);
const scalar = fc.oneof(number, fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null));
const setting = fc.oneof(scalar, fc.array(number, { maxLength: 4 }), fc.dictionary(fc.string(), scalar));
const ref = fc.oneof(
  fc.constantFrom(...IDS, '/some/folder', '../x', '/etc', ''),
  fc.string({ maxLength: 10 }),
);
const params = fc.dictionary(
  fc.oneof(
    fc.constantFrom('weight', 'density', 'lambda', 't', 'epsilon', 'normalize', 'rescale'),
    fc.string(),
  ),
  setting,
  { maxKeys: 4 },
);
const shapedConfig = fc.record(
  {
    merge_method: fc.oneof(
      fc.constantFrom('linear', 'ties', 'task_arithmetic', 'dare_ties', 'slerp', 'model_stock', 'della'),
      fc.string({ maxLength: 8 }),
    ),
    base_model: ref,
    models: fc.array(fc.record({ model: ref, parameters: params }, { requiredKeys: ['model'] }), {
      maxLength: 4,
    }),
    parameters: params,
    tokenizer_source: fc.oneof(fc.constant('base'), ref),
    head_source: ref,
    dtype: fc.constantFrom('float32', 'float16', 'int4'),
    seed: number,
  },
  { requiredKeys: ['merge_method', 'models'] },
);

/** Near-valid linear configs: ids that resolve, weights mostly in range, sometimes hostile. */
const nearValid = fc.record({
  merge_method: fc.constant('linear'),
  models: fc.array(
    fc.record({
      model: fc.constantFrom(...IDS),
      parameters: fc.record({ weight: fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), number) }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('mergekit YAML (fuzzed)', () => {
  it('the issue 14 drills: 1e308 weights and an alias to a folder are refused', () => {
    const base = 'merge_method: ties\nbase_model: base-id\nmodels:\n  - model: a-id\n';
    expect(() => parseMergeConfig(`${base}    parameters: {weight: 1e308}\n`, 'm.yml')).toThrow(
      /weight must be in \[-100, 100\]/,
    );
    const alias = `name: &p /some/folder\n${base}    parameters: {weight: 1}\n  - model: *p\n    parameters: {weight: 1}\n`;
    expect(listModelRefs(alias)).toContain('/some/folder'); // the alias counts as its value...
    expect(() => parseMergeConfig(alias, 'm.yml', { resolveModel })).toThrow(
      /'\/some\/folder' is not a model id/, // ...and goes through the one resolver
    );
    // unknown and exploding aliases are invalid YAML, not a ReferenceError (a 500)
    expect(() => parseMergeConfig('models: *nothing\n', 'm.yml')).toThrow(MergeConfigError);
    const laughs = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e'].entries()) {
      const prev = 'abcd'[i];
      laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(() => parseMergeConfig(`${laughs.join('\n')}\n`, 'm.yml')).toThrow(
      /invalid YAML: Excessive alias/,
    );
  });

  it('configs shaped from hostile values give a safe plan or a MergeConfigError', () => {
    const seen = { plan: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(shapedConfig, nearValid), fc.boolean(), (config, asJson) => {
        seen[outcome(asJson ? JSON.stringify(config) : stringify(config))]++;
      }),
      { numRuns: RUNS },
    );
    // the generator reaches both outcomes, so the assertions above are exercised
    expect(seen.plan).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('any text, and valid configs with characters spliced in, never escape as another error', () => {
    const valid =
      'merge_method: ties\nbase_model: base-id\nmodels:\n  - model: a-id\n    parameters: {weight: 0.5, density: 0.5}\n';
    const yamlish = fc.string({
      unit: fc.oneof(
        fc.constantFrom(
          ':',
          '-',
          '&',
          '*',
          '!',
          '[',
          ']',
          '{',
          '}',
          '\n',
          ' ',
          '#',
          '|',
          '>',
          "'",
          '"',
          '<<',
          '%',
        ),
        fc.string({ minLength: 1, maxLength: 1 }),
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(yamlish, fc.nat(valid.length), fc.boolean(), (noise, at, splice) => {
        outcome(splice ? valid.slice(0, at) + noise + valid.slice(at) : noise);
        listModelRefs(noise); // never throws
      }),
      { numRuns: RUNS },
    );
  });
});
