// Next.js buffers the body it hands proxy.ts only up to `proxyClientMaxBodySize` (10 MB by default)
// and cuts the rest off for the route as well: the drills' audit found every upload over 10 MB
// refused as "Unexpected end of form" once the proxy was in place. The config must raise it to what
// TUNELAB_MAX_UPLOAD_MB allows, as the server loads it.
import path from 'node:path';
import { PHASE_PRODUCTION_SERVER } from 'next/constants';
import loadConfig from 'next/dist/server/config';
import { describe, expect, it } from 'vitest';
import { maxRequestBytes, requestTooLarge } from './upload-limit.ts';

const WEB = path.resolve(import.meta.dirname, '../..');

describe('request body limit (uploads through proxy.ts)', () => {
  it('next.config.ts lets a body of a whole upload at TUNELAB_MAX_UPLOAD_MB through the proxy', async () => {
    const saved = process.env.TUNELAB_MAX_UPLOAD_MB;
    try {
      // not the default, so the figure follows the variable (Next caches a loaded config: one load)
      process.env.TUNELAB_MAX_UPLOAD_MB = '50';
      const config = await loadConfig(PHASE_PRODUCTION_SERVER, WEB, { silent: true });
      const limit = config.experimental.proxyClientMaxBodySize;
      expect(limit).toBe(maxRequestBytes());
      expect(Number(limit)).toBeGreaterThan(50 * 1024 * 1024);
    } finally {
      if (saved === undefined) delete process.env.TUNELAB_MAX_UPLOAD_MB;
      else process.env.TUNELAB_MAX_UPLOAD_MB = saved;
    }
  });

  it('refuses a body declared larger than that, naming the limit; lets smaller ones and undeclared ones pass', () => {
    const env = { ...process.env, TUNELAB_MAX_UPLOAD_MB: '2' };
    expect(requestTooLarge(null, env)).toBeUndefined();
    expect(requestTooLarge(String(2 * 1024 * 1024 + 1000), env)).toBeUndefined();
    expect(requestTooLarge(String(maxRequestBytes(env)), env)).toBeUndefined();
    expect(requestTooLarge(String(maxRequestBytes(env) + 1), env)).toMatch(
      /^The request body \(6\.0 MB\) is larger than the 2 MB upload limit \(TUNELAB_MAX_UPLOAD_MB\) allows$/,
    );
    expect(requestTooLarge('not a number', env)).toBeUndefined();
  });
});
