// The fault drills that `npm test` runs on their own, beside the other workspaces' tests: the
// PostgreSQL-down drill keeps its server away for 60 s and mostly waits, so it must not hold up the
// files vitest runs one after another here (one at a time on 2 cores). scripts/test.ts runs them and
// sets TUNELAB_DRILLS_APART=1 for turbo, which leaves them out of this workspace's run.
export const DRILLS_APART = ['src/faults/postgres-down.test.ts'];
