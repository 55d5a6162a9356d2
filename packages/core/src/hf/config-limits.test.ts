// Regressions from the bad-input drills (issue 14): config sizes are checked before anything is
// built from them, against limits and against the tensors actually present.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fixtureConfig from '../../../../fixtures/tiny-bert/config.json' with { type: 'json' };
import { readSafetensorsFile } from '../safetensors/index.ts';
import { parseBertConfig } from './config.ts';
import { normaliseBertTensors } from './tensors.ts';

const FIXTURE = join(import.meta.dirname, '../../../../fixtures/tiny-bert');

describe('config.json sizes', () => {
  it('refuses num_hidden_layers 3,000,000 at once, naming the field', () => {
    expect(() => parseBertConfig({ ...fixtureConfig, num_hidden_layers: 3_000_000 })).toThrow(
      /config\.json: num_hidden_layers: .*256/,
    );
  });

  it('refuses absurd widths and vocabularies', () => {
    for (const field of ['hidden_size', 'vocab_size', 'intermediate_size', 'max_position_embeddings']) {
      expect(() => parseBertConfig({ ...fixtureConfig, [field]: 2 ** 40 }), field).toThrow(new RegExp(field));
    }
  });

  it('checks num_hidden_layers against the layers the weights hold', async () => {
    const tensors = await readSafetensorsFile(join(FIXTURE, 'model.safetensors'));
    const config = parseBertConfig({ ...fixtureConfig, num_hidden_layers: 200 });
    expect(() => normaliseBertTensors(tensors, config, 'tiny-bert')).toThrow(
      'tiny-bert: config.json has num_hidden_layers 200 but the weights hold 2 encoder layer(s)',
    );
    expect(
      normaliseBertTensors(tensors, parseBertConfig(fixtureConfig), 'tiny-bert').tensors.size,
    ).toBeGreaterThan(0);
  });
});
