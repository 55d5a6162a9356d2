// Property-based fuzzing (fast-check) of config.json as a model upload carries it: any JSON, and the
// tiny-bert config with fields replaced by hostile values, is parsed and checked against the weights
// actually present. Every input is accepted or refused with an HfModelError (an InputError: a 4xx
// at the route); nothing else escapes, and sizes are checked before anything is built from them.
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import fixtureConfig from '../../../../fixtures/tiny-bert/config.json' with { type: 'json' };
import { InputError } from '../errors/index.ts';
import { readSafetensorsFile } from '../safetensors/index.ts';
import { HfModelError, parseBertConfig } from './config.ts';
import { normaliseBertTensors } from './tensors.ts';

const RUNS = Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000);
const FIXTURE = join(import.meta.dirname, '../../../../fixtures/tiny-bert');
let tensors: Awaited<ReturnType<typeof readSafetensorsFile>>;
beforeAll(async () => {
  tensors = await readSafetensorsFile(join(FIXTURE, 'model.safetensors'));
});

/** Parse, then check against the fixture's weights, as the importer does. */
function outcome(json: unknown): 'accepted' | 'refused' {
  try {
    const config = parseBertConfig(json, 'config.json');
    normaliseBertTensors(tensors, config, 'tiny-bert');
    return 'accepted';
  } catch (error) {
    if (!(error instanceof HfModelError)) throw error;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^(config\.json|tiny-bert)/);
    return 'refused';
  }
}

const hostile = fc.oneof(
  fc.constantFrom(3_000_000, 1_000_000, 2 ** 40, 2 ** 53, -1, 0, 1, 1.5, 1e308, '2', null, true, [], {}),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 1 }),
);
const FIELDS = [...Object.keys(fixtureConfig), 'num_labels', 'id2label', 'label2id', 'problem_type'];

describe('config.json (fuzzed)', () => {
  it('the issue 14 drill: num_hidden_layers 3,000,000 is refused at once, naming the field', () => {
    expect(() => outcome({ ...fixtureConfig, num_hidden_layers: 3_000_000 })).not.toThrow();
    expect(outcome({ ...fixtureConfig, num_hidden_layers: 3_000_000 })).toBe('refused');
    expect(() => parseBertConfig({ ...fixtureConfig, num_hidden_layers: 3_000_000 })).toThrow(
      /config\.json: num_hidden_layers/,
    );
    expect(outcome(fixtureConfig)).toBe('accepted');
  });

  it('the fixture config with hostile field values is accepted or an HfModelError', () => {
    const seen = { accepted: 0, refused: 0 };
    const edits = fc.dictionary(fc.constantFrom(...FIELDS), hostile, { maxKeys: 3 });
    fc.assert(
      fc.property(edits, (edit) => {
        seen[outcome({ ...fixtureConfig, ...edit })]++;
      }),
      { numRuns: RUNS },
    );
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('any JSON value, and id2label maps of any shape, are accepted or an HfModelError', () => {
    const labels = fc.dictionary(fc.oneof(fc.nat(5).map(String), fc.string({ maxLength: 3 })), fc.string(), {
      maxKeys: 6,
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          labels.map((id2label) => ({ ...fixtureConfig, id2label })),
        ),
        (json) => {
          outcome(json);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
