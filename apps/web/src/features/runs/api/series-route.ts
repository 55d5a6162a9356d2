import { jsonError, zodMessage } from '../../../common/server/http.ts';
import { ZSeriesQuery } from '../lib/series-params.ts';
import { loadRunSeries, SeriesNotFound } from '../lib/series-query.ts';

/** GET /api/runs/[id]/series?names=loss,eval_mae&x=step|epoch|wall&points=1000[&after=STEP] */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const url = new URL(req.url);
  const parsed = ZSeriesQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return jsonError(400, zodMessage(parsed.error));
  try {
    const series = await loadRunSeries(id, parsed.data);
    return Response.json(
      { runId: id, x: parsed.data.x, series },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch (e) {
    if (e instanceof SeriesNotFound) return jsonError(404, e.message);
    throw e;
  }
}
