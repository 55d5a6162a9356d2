// Which errors are "the database or Redis is away" (waited out, never a job's attempt), and the
// wait itself. The error shapes are the ones Prisma's pg adapter, node-postgres and ioredis throw
// (seen in the PostgreSQL-down and Redis-restart drills).
import { InputError } from '@tunelab/core/errors';
import { describe, expect, it } from 'vitest';
import { isInfrastructureError, retryOnInfrastructure } from './infra.ts';

const prismaUnreachable = Object.assign(
  new Error("Raw query failed. Message: `Can't reach database server`"),
  {
    name: 'PrismaClientKnownRequestError',
    code: 'P2010',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } } },
  },
);

describe('isInfrastructureError', () => {
  it('recognises unreachable servers by code, kind and connection-loss errors, through causes', () => {
    expect(isInfrastructureError(prismaUnreachable)).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('x'), { code: 'P1001' }))).toBe(true);
    expect(isInfrastructureError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isInfrastructureError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isInfrastructureError(new Error('Connection is closed.'))).toBe(true);
    expect(isInfrastructureError(new Error('wrapped', { cause: prismaUnreachable }))).toBe(true);
  });

  it('leaves every other error to the job (a unique violation, bad input, a bug)', () => {
    expect(isInfrastructureError(Object.assign(new Error('Unique constraint'), { code: 'P2002' }))).toBe(
      false,
    );
    expect(isInfrastructureError(new InputError('row 2: not a number'))).toBe(false);
    expect(isInfrastructureError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      false,
    );
    expect(isInfrastructureError('Connection terminated')).toBe(false);
    expect(isInfrastructureError(undefined)).toBe(false);
  });
});

describe('retryOnInfrastructure', () => {
  it('waits out infrastructure errors, then returns', async () => {
    let calls = 0;
    const lines: string[] = [];
    const value = await retryOnInfrastructure(
      async () => {
        calls += 1;
        if (calls < 3) throw prismaUnreachable;
        return 'written';
      },
      { what: 'recording run r1 succeeded', log: (line) => lines.push(line), maxWaitMs: 60_000 },
    );
    expect([value, calls]).toEqual(['written', 3]);
    expect(lines[0]).toMatch(/^recording run r1 succeeded: .*; waiting$/);
    expect(lines[1]).toMatch(/^recording run r1 succeeded: done after [\d.]+ s of waiting$/);
  });

  it('rethrows other errors at once, and infrastructure errors after the longest wait', async () => {
    let calls = 0;
    const bad = new InputError('bad');
    await expect(
      retryOnInfrastructure(
        async () => {
          calls += 1;
          throw bad;
        },
        { what: 'x' },
      ),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
    await expect(
      retryOnInfrastructure(
        async () => {
          throw prismaUnreachable;
        },
        { what: 'x', maxWaitMs: 1_000 },
      ),
    ).rejects.toBe(prismaUnreachable);
  });
});
