import { ZAssignFoldsRequest } from '@tunelab/core/datasets';
import { assignDatasetFolds, clearDatasetFolds, getPrisma } from '@tunelab/db';
import { errorResponse } from '../lib/create-from-upload.ts';

type TContext = { params: Promise<{ id: string }> };

const notFound = (id: string) => Response.json({ error: `Dataset ${id} not found` }, { status: 404 });

/**
 * POST /api/datasets/:id/folds with { k: 2..10, seed? } → 200 { k, seed, sizes }: (re)assigns
 * seeded stratified folds to the train/eval rows (test rows stay held out).
 */
export async function POST(request: Request, { params }: TContext): Promise<Response> {
  const { id } = await params;
  try {
    const body = ZAssignFoldsRequest.parse(await request.json().catch(() => ({})));
    if (!(await getPrisma().dataset.findUnique({ where: { id }, select: { id: true } }))) return notFound(id);
    return Response.json(await assignDatasetFolds(id, body));
  } catch (error) {
    if (error instanceof RangeError)
      return Response.json({ error: error.message, code: 'invalid_options' }, { status: 400 });
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
