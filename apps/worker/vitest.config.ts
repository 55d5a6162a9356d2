import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

// One file at a time here: the fault drills (src/faults/, crash-recovery) wait for child processes
// against deadlines, and a second training file beside them on 2 cores made one miss its 30 s wait
// (sigterm.test.ts, load ≈ 18). The other workspaces run two files at once (vitest.base.ts).
export default mergeConfig(base, defineConfig({ test: { maxWorkers: 1 } }));
