import { prisma } from '@tunelab/db';
import { errorResponse, jsonError, parseJsonBody } from '../../../common/server/http.ts';
import { LaunchRefused } from '../../runs/lib/launch-runs.ts';
import { createSweep } from '../lib/create-sweep.ts';
import { ZCreateSweep } from '../lib/sweep-schema.ts';

/** GET /api/sweeps — sweeps with their run counts by status. */
export async function GET() {
  const sweeps = await prisma.sweep.findMany({ orderBy: { createdAt: 'desc' }, take: 200 });
  return Response.json({ sweeps }, { headers: { 'cache-control': 'no-store' } });
}

/** POST /api/sweeps {modelId, datasetId, fractions, seeds, recipe} → 201 {sweepId}. */
export async function POST(req: Request) {
  try {
    const body = await parseJsonBody(req, ZCreateSweep);
    return Response.json({ sweepId: await createSweep(body) }, { status: 201 });
  } catch (e) {
    if (e instanceof LaunchRefused) return jsonError(422, e.message, { problems: e.problems });
    return errorResponse(e, 'web:sweeps');
  }
}
