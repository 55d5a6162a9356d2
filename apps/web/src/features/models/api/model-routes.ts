import { prisma } from '@tunelab/db';
import { errorResponse, jsonError, parseJsonBody } from '../../../common/server/http.ts';
import { importUploadedModel, ModelImportError } from '../lib/import-model.ts';
import { zipModel } from '../lib/zip-model.ts';

/** GET /api/models — all models, newest first. */
export async function GET() {
  const models = await prisma.model.findMany({
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      name: true,
      kind: true,
      task: true,
      numLabels: true,
      paramCount: true,
      source: true,
      createdAt: true,
      baseModelId: true,
    },
  });
  return Response.json({ models }, { headers: { 'cache-control': 'no-store' } });
}

/**
 * POST /api/models (multipart: files or one .zip, optional name) → 201 {id, name}; 422 naming the
 * bad file/tensor. With an Idempotency-Key header (or a clientKey field) a repeated import answers
 * 200 {id, name, replayed: true} with the model the first one stored.
 */
export async function POST(req: Request) {
  try {
    const imported = await importUploadedModel(req);
    return Response.json(imported, { status: imported.replayed ? 200 : 201 });
  } catch (e) {
    if (e instanceof ModelImportError) return jsonError(422, e.message);
    return errorResponse(e, 'web:models');
  }
}

/** GET /api/models/[id]/download — the model's HF folder as a zip. */
export async function GET_DOWNLOAD(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const z = await zipModel(id);
  if (!z) return jsonError(404, `Model ${id} does not exist`);
  return new Response(z.bytes as unknown as BodyInit, {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${z.name}"`,
      'content-length': String(z.bytes.byteLength),
    },
  });
}

/** POST /api/models/pretrain (multipart: corpus .txt + hyper-parameters) → 201 {runId}. */
export async function POST_PRETRAIN(req: Request) {
  const { PretrainRequestError, queuePretrain } = await import('../lib/queue-pretrain.ts');
  try {
    return Response.json({ runId: await queuePretrain(req) }, { status: 201 });
  } catch (e) {
    if (e instanceof PretrainRequestError) return jsonError(422, e.message);
    return errorResponse(e, 'web:models');
  }
}

/** POST /api/models/[id]/evaluate {datasetId, split} → 201 {runId}; 422 naming why it cannot run. */
export async function POST_EVALUATE(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const { EvaluationRefused, queueEvaluation, ZEvaluateRequest } = await import('../lib/queue-evaluation.ts');
  try {
    const body = await parseJsonBody(req, ZEvaluateRequest);
    return Response.json({ runId: await queueEvaluation(id, body) }, { status: 201 });
  } catch (e) {
    if (e instanceof EvaluationRefused) return jsonError(422, e.message);
    return errorResponse(e, 'web:models');
  }
}
