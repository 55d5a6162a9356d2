import { HttpError, parseJsonBody } from '../../../common/server/http.ts';
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
      const created = await createFromUpload(upload, body.spec, body.format);
      return Response.json(created, { status: 201 });
    }
    const body = await parseJsonBody(request, ZCreateDatasetRequest);
    if (!body.uploadId)
      throw new HttpError(400, 'invalid_request', 'uploadId is required (inspect the file first)');
    const upload = await findUpload(body.uploadId);
    const created = await createFromUpload(upload, body.spec, body.format);
    return Response.json(created, { status: 201 });
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
