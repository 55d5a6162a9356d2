import { prisma } from '@tunelab/db';
import { ZodError } from 'zod';
import { jsonError, zodMessage } from '../../runs/api/http.ts';
import { LaunchRefused } from '../../runs/lib/launch-runs.ts';
import { createSweep } from '../lib/create-sweep.ts';

/** GET /api/sweeps — sweeps with their run counts by status. */
export async function GET() {
  const sweeps = await prisma.sweep.findMany({ orderBy: { createdAt: 'desc' }, take: 200 });
  return Response.json({ sweeps }, { headers: { 'cache-control': 'no-store' } });
}

/** POST /api/sweeps {modelId, datasetId, fractions, seeds, recipe} → 201 {sweepId}. */
export async function POST(req: Request) {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return jsonError(400, 'The request body is not valid JSON');
  }
  try {
    return Response.json({ sweepId: await createSweep(body as never) }, { status: 201 });
  } catch (e) {
    if (e instanceof ZodError) return jsonError(400, zodMessage(e));
    if (e instanceof LaunchRefused) return jsonError(422, e.message, { problems: e.problems });
    throw e;
  }
}
