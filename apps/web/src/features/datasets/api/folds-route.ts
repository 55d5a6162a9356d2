import { ZAssignFoldsRequest } from '@tunelab/core/datasets';
import { assignDatasetFolds, clearDatasetFolds, getPrisma } from '@tunelab/db';
import { jsonError, parseJsonBody } from '../../../common/server/http.ts';
import { errorResponse } from '../lib/create-from-upload.ts';

type TContext = { params: Promise<{ id: string }> };

const notFound = (id: string) => jsonError(404, `Dataset ${id} not found`);

/**
 * POST /api/datasets/:id/folds with { k: 2..10, seed? } → 200 { k, seed, sizes }: (re)assigns
 * seeded stratified folds to the train/eval rows (test rows stay held out).
 */
export async function POST(request: Request, { params }: TContext): Promise<Response> {
  const { id } = await params;
  try {
    const body = await parseJsonBody(request, ZAssignFoldsRequest);
    if (!(await getPrisma().dataset.findUnique({ where: { id }, select: { id: true } }))) return notFound(id);
    return Response.json(await assignDatasetFolds(id, body));
  } catch (error) {
    if (error instanceof RangeError) return jsonError(400, error.message, { code: 'invalid_options' });
    return errorResponse(error);
  }
}

/** DELETE /api/datasets/:id/folds → 204: no folds any more. */
export async function DELETE(_request: Request, { params }: TContext): Promise<Response> {
  const { id } = await params;
  if (!(await getPrisma().dataset.findUnique({ where: { id }, select: { id: true } }))) return notFound(id);
  await clearDatasetFolds(id);
  return new Response(null, { status: 204 });
}
