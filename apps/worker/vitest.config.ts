import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';
import { DRILLS_APART } from './test/drills-apart.ts';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // scripts/test.ts runs these beside the rest (test/drills-apart.ts)
      exclude: [...configDefaults.exclude, ...(process.env.TUNELAB_DRILLS_APART === '1' ? DRILLS_APART : [])],
    },
  }),
);
