import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';
import { DRILLS_APART } from './test/drills-apart.ts';

// One file at a time here: the fault drills (src/faults/, crash-recovery) wait for child processes
// against deadlines, and a second training file beside them on 2 cores made one miss its 30 s wait
// (sigterm.test.ts, load ≈ 18). The other workspaces run two files at once (vitest.base.ts).
export default mergeConfig(
  base,
  defineConfig({
    test: {
      maxWorkers: 1,
      // scripts/test.ts runs these beside the rest (test/drills-apart.ts)
      exclude: [...configDefaults.exclude, ...(process.env.TUNELAB_DRILLS_APART === '1' ? DRILLS_APART : [])],
    },
  }),
);
