import { ZComposeSpec } from '@tunelab/core/datasets';
import { parseJsonBody } from '../../../common/server/http.ts';
import { composeDataset } from '../lib/compose-datasets.ts';
import { errorResponse } from '../lib/create-from-upload.ts';

/**
 * POST /api/datasets/compose with { name, sources: [{ datasetId, ratio }], size?, seed? }
 * → 201 { id, rowCount, lineage }; 400 { error, code } for incompatible parents or an impossible
 * size (nothing stored); 404 for an unknown parent.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const body = await parseJsonBody(request, ZComposeSpec);
    return Response.json(await composeDataset(body), { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}
