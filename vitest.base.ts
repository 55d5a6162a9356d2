// Shared vitest settings for every workspace. CI and developer machines are shared and noisy (2 cores,
// other work running): tests that spawn processes or train a model must not fail on vitest's 5 s
// default. Speed is measured by `npm run bench`, never by test timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
