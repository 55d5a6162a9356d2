import { describe, expect, it } from 'vitest';
import { MergeConfigError, parseMergeConfig } from './config.ts';
import { listModelRefs } from './model-refs.ts';

const CONFIG = `# a comment
merge_method: ties
base_model: base-id
models:
  - model: a-id
    parameters: {weight: 1, density: 0.5}
  - model: b-id
    parameters: {weight: 0.5}
tokenizer_source: base
head_source: a-id
`;

describe('model references in a merge config', () => {
  it('lists them once each in order', () => {
    expect(listModelRefs(CONFIG)).toEqual(['base-id', 'a-id', 'b-id']);
  });

  it('sees through YAML aliases: an alias counts as the value it stands for', () => {
    const text = `name: &p /some/folder\nmerge_method: ties\nbase_model: base-id\nmodels:\n  - model: a-id\n    parameters: {weight: 1}\n  - model: *p\n    parameters: {weight: 1}\n`;
    expect(listModelRefs(text)).toEqual(['base-id', 'a-id', '/some/folder']);
  });

  it('parseMergeConfig resolves every reference, aliases included, through one resolver', () => {
    const text = `name: &p /etc\nmerge_method: ties\nbase_model: base-id\nmodels:\n  - model: a-id\n    parameters: {weight: 1}\n  - model: *p\n    parameters: {weight: 1}\nhead_source: *p\n`;
    const known = new Map([
      ['base-id', 'base model'],
      ['a-id', 'model A'],
    ]);
    const seen: string[] = [];
    const resolveModel = (ref: string) => {
      seen.push(ref);
      const name = known.get(ref);
      if (!name) throw new MergeConfigError(`model '${ref}' is not a model id`);
      return { ref, name, path: `/store/${ref}` };
    };
    expect(() => parseMergeConfig(text, 'merge config', { resolveModel })).toThrow(
      "model '/etc' is not a model id",
    );
    expect(seen).toContain('/etc');
    const ok = parseMergeConfig(text.replace(/&p \/etc/, '&p a-id'), 'merge config', { resolveModel });
    expect(ok.models.map((m) => m.name)).toEqual(['model A', 'model A']);
    expect(ok.headSource?.path).toBe('/store/a-id');
  });
});
