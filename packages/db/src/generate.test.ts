import { describe, expect, it } from 'vitest';
import { generateStamp, needsGenerate, type TGenerateInputs } from './generate.ts';

describe('needsGenerate (npm start / npm test skip a prisma generate that would change nothing)', () => {
  const made: TGenerateInputs = {
    inputs: ['model A { id Int @id }', 'config', '6.19.3', '6.19.3'],
    generatedSchema: 'model A {\n  id Int @id\n}',
  };
  const stamp = generateStamp(made);

  it('skips when the stamp matches the inputs and the client it wrote', () => {
    expect(stamp).toBeDefined();
    expect(needsGenerate(made, stamp)).toBe(false);
  });

  it('generates with no client, no stamp, a changed schema, a new Prisma, or a client overwritten since', () => {
    expect(needsGenerate({ ...made, generatedSchema: undefined }, stamp)).toBe(true);
    expect(needsGenerate(made, undefined)).toBe(true);
    expect(
      needsGenerate({ ...made, inputs: ['model B { id Int @id }', 'config', '6.19.3', '6.19.3'] }, stamp),
    ).toBe(true);
    expect(
      needsGenerate({ ...made, inputs: ['model A { id Int @id }', 'config', '6.20.0', '6.20.0'] }, stamp),
    ).toBe(true);
    expect(needsGenerate({ ...made, generatedSchema: 'model B {\n  id Int @id\n}' }, stamp)).toBe(true);
  });

  it('keeps input boundaries apart (moving text between inputs changes the stamp)', () => {
    expect(generateStamp({ ...made, inputs: ['ab', 'c'] })).not.toBe(
      generateStamp({ ...made, inputs: ['a', 'bc'] }),
    );
  });
});
