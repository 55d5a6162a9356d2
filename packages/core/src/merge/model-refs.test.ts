import { describe, expect, it } from 'vitest';
import { listModelRefs, rewriteModelRefs } from './model-refs.ts';

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

  it('rewrites them and keeps the rest', () => {
    const out = rewriteModelRefs(CONFIG, (ref) => `/store/models/${ref}`);
    expect(out).toContain('# a comment');
    expect(out).toContain('base_model: /store/models/base-id');
    expect(out).toContain('- model: /store/models/b-id');
    expect(out).toContain('head_source: /store/models/a-id');
    expect(out).toContain('tokenizer_source: base');
    expect(out).toContain('parameters: { weight: 1, density: 0.5 }');
  });
});
