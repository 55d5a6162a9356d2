import { ZDatasetFormat } from '@tunelab/core/datasets';
import { errorResponse, inspectUpload } from '../lib/create-from-upload.ts';
import { deleteUpload, receiveUpload } from '../lib/upload-store.ts';

/**
 * POST /api/datasets/inspect (multipart: file, optional format) → { uploadId, fileName, size,
 * format, columns, preview, truncated }. The file stays on disk for the create request.
 */
export async function POST(request: Request): Promise<Response> {
  let uploadId: string | undefined;
  try {
    const { upload, fields } = await receiveUpload(request);
    uploadId = upload.uploadId;
    const format = fields.format ? ZDatasetFormat.parse(fields.format) : undefined;
    const inspection = await inspectUpload(upload, format, request.signal);
    return Response.json({ uploadId, fileName: upload.fileName, size: upload.size, ...inspection });
  } catch (error) {
    if (uploadId) await deleteUpload(uploadId);
    return errorResponse(error);
  }
}
