import { errorResponse } from '../../common/server/http.ts';
import { exportProvenance } from './lib/make-dataset.ts';

/** GET /api/synth/datasets/<id>/provenance: the rows with their provenance, as JSON lines. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    return new Response(await exportProvenance(id), {
      headers: {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="provenance-${id}.jsonl"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return errorResponse(error, 'synth');
  }
}
