import { describe, expect, it } from 'vitest';
import { wordnetGlosses } from './corpus.ts';

describe('wordnetGlosses', () => {
  it('reads real glosses without synset headers, interleaving parts of speech', async () => {
    const g = await wordnetGlosses(400);
    expect(g).toHaveLength(400);
    expect(g.every((x) => !x.includes(' | ') && x.length > 3)).toBe(true);
    expect(g.some((x) => /organism|plant|animal/.test(x))).toBe(true);
  });
});
