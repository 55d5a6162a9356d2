import { z } from 'zod';
import { errorResponse, parseSearch } from '../../../common/server/http.ts';
import { exportDataset, ZExportFormat } from '../lib/export-dataset.ts';

const ZExportQuery = z.object({ format: ZExportFormat.default('csv') });

/** GET /api/datasets/:id/export?format=csv|jsonl → every row with its provenance, as a download. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const { format } = parseSearch(request, ZExportQuery);
    const { name, body } = await exportDataset(id, format);
    // a download name from the dataset's name: letters, digits, dot, dash and underscore only
    const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'dataset'}.${format}`;
    return new Response(body, {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${file}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return errorResponse(error, 'datasets');
  }
}
