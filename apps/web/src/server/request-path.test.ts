import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestPathProblem } from './request-path.ts';

describe('requestPathProblem', () => {
  it('names invalid percent-encoding, NUL and over-long segments', () => {
    expect(requestPathProblem('/api/runs/%E0%A4%A')).toMatch(/invalid percent-encoding/);
    expect(requestPathProblem('/api/runs/%ED%A0%80')).toMatch(/invalid percent-encoding/); // a lone surrogate
    expect(requestPathProblem('/api/runs/%zz')).toMatch(/invalid percent-encoding/);
    expect(requestPathProblem('/api/runs/abc%00')).toMatch(/NUL/);
    expect(requestPathProblem('/api/runs', '?status=%00')).toMatch(/query holds a NUL/);
    expect(requestPathProblem(`/api/runs/${'a'.repeat(2000)}`)).toMatch(/longer than 1024/);
  });

  it('accepts well-formed paths', () => {
    for (const path of ['/', '/api/runs/cm1abc', '/datasets/%C3%A9t%C3%A9', '/runs/new'])
      expect(requestPathProblem(path, '?datasetId=x&q=a+b')).toBeUndefined();
  });

  it('never throws, whatever the path (10,000 fuzzed paths)', () => {
    const raw = fc.string({
      unit: fc.oneof(
        fc.constantFrom('%', '/', '0', 'E', 'D', 'F', 'A', '8', '+', '?'),
        fc.string({ maxLength: 1 }),
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(raw, raw, (path, query) => {
        const problem = requestPathProblem(path, query);
        expect(problem === undefined || problem.length > 0).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });
});
