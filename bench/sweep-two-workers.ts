// Benchmark `sweep-two-workers` (issue 12): a data-scaling sweep of 5 fractions × 3 seeds of
// bert-tiny (15 fine-tuning runs) on two worker processes against one; target time_ratio ≤ 0.65.
import { availableParallelism, post, RECIPE, timeOnOneAndTwoWorkers } from './_two-workers.ts';

export const name = 'sweep-two-workers';

export async function run() {
  const { POST } = await import('../apps/web/src/features/sweeps/api/sweep-routes.ts');
  const result = await timeOnOneAndTwoWorkers('sweep2w', 300, async ({ prisma, modelId, datasetId }) => {
    const { sweepId } = await post(POST, 'http://bench/api/sweeps', {
      modelId,
      datasetId,
      fractions: [0.1, 0.2, 0.4, 0.7, 1],
      seeds: [0, 1, 2],
      recipe: RECIPE,
    });
    const { waitFor } = await import('../apps/web/e2e/stack.ts');
    const sweep = await waitFor(
      'the sweep to settle',
      async () => {
        const s = await prisma.sweep.findUniqueOrThrow({ where: { id: String(sweepId) } });
        return s.status === 'succeeded' || s.status === 'failed' || s.status === 'cancelled' ? s : null;
      },
      1_800_000,
      200,
    );
    if (sweep.status !== 'succeeded') throw new Error(`sweep ${sweep.id} ${sweep.status}: ${sweep.error}`);
  });
  return {
    name,
    backend: 'wasm',
    ...result,
    runs: 15,
    target: 0.65,
    meets_target: result.time_ratio <= 0.65,
    cores: availableParallelism(),
  };
}
