// Shared vitest settings for every workspace. CI and developer machines are shared and noisy (2 cores,
// other work running): tests that spawn processes or train a model must not fail on vitest's 5 s
// default. Speed is measured by `npm run bench`, never by test timeouts.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // vitest's default (cores − 1) runs one file at a time on CI's 2 cores, while most files spend much
    // of their time waiting on PostgreSQL, Redis or a child process: two at once keep both cores busy
    // (packages/jobs: 31–36 s → 24–25 s on the shared box). `npm test` runs one workspace at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
