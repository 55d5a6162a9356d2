import { findDatasetByClientKey } from '@tunelab/db';
import { HttpError, parseJsonBody } from '../../../common/server/http.ts';
import { clientKeyOf } from '../../../common/server/idempotency.ts';
import { createFromUpload, errorResponse, ZCreateDatasetRequest } from '../lib/create-from-upload.ts';
import { listDatasets } from '../lib/list-datasets.ts';
import { deleteUpload, findUpload, receiveUpload } from '../lib/upload-store.ts';

/** GET /api/datasets → newest first, without rows or stats. */
export async function GET(): Promise<Response> {
  const datasets = await listDatasets(500);
  return Response.json({ datasets }, { headers: { 'cache-control': 'no-store' } });
}

/**
 * POST /api/datasets creates a dataset, either
 * - JSON { uploadId, format?, spec } after POST /api/datasets/inspect, or
 * - multipart with "file" and a "spec" field (JSON) in one request (scripts, tests).
 * 201 { id, rowCount }; 400 with { error, code, issues } for a bad file, and nothing is stored.
 * With an Idempotency-Key header (or a clientKey field) a repeated create answers 200 { id,
 * rowCount, replayed: true } with the dataset the first one made; a client that disconnects stops
 * the work (nothing is stored).
 */
export async function POST(request: Request): Promise<Response> {
  const contentType = request.headers.get('content-type') ?? '';
  let oneShotUploadId: string | undefined;
  try {
    if (contentType.startsWith('multipart/form-data')) {
      const { upload, fields } = await receiveUpload(request);
      oneShotUploadId = upload.uploadId;
      if (!fields.spec) throw new HttpError(400, 'invalid_request', 'Missing form field "spec" (JSON)');
      const body = ZCreateDatasetRequest.parse({
        spec: parseJson(fields.spec, 'spec'),
        format: fields.format,
      });
      const clientKey = clientKeyOf(request, fields.clientKey);
      const created = await createFromUpload(upload, body.spec, {
        format: body.format,
        clientKey,
        signal: request.signal,
      });
      return created.replayed ? Response.json(created) : Response.json(created, { status: 201 });
    }
    const body = await parseJsonBody(request, ZCreateDatasetRequest);
    const clientKey = clientKeyOf(request, body.clientKey);
    if (!body.uploadId)
      throw new HttpError(400, 'invalid_request', 'uploadId is required (inspect the file first)');
    const earlier = clientKey ? await findDatasetByClientKey(clientKey) : null;
    // a retry after the upload was consumed: answer the dataset it made
    if (earlier) return Response.json({ ...earlier, replayed: true });
    const upload = await findUpload(body.uploadId);
    const created = await createFromUpload(upload, body.spec, {
      format: body.format,
      clientKey,
      signal: request.signal,
    });
    return created.replayed ? Response.json(created) : Response.json(created, { status: 201 });
  } catch (error) {
    return errorResponse(error);
  } finally {
    if (oneShotUploadId) await deleteUpload(oneShotUploadId);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_request', `${what} is not valid JSON: ${(error as Error).message}`);
  }
}
