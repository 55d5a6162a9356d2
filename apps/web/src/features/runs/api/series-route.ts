import { createHash } from 'node:crypto';
import { jsonError, zodMessage } from '../../../common/server/http.ts';
import { ZSeriesQuery } from '../lib/series-params.ts';
import { planRunSeries, SeriesNotFound } from '../lib/series-query.ts';

/** The validator of a series answer: a hash of its plan's version (run, query, series bounds and counts). */
export function seriesEtag(version: string): string {
  return `W/"${createHash('sha256').update(version).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header lists `etag` (or is `*`). */
function matches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || `W/${tag}` === etag;
  });
}

/**
 * GET /api/runs/[id]/series?names=loss,eval_mae&x=step|epoch|wall&points=1000[&after=STEP]
 *
 * Answers carry a weak ETag and `cache-control: no-cache`: a client that sends it back in
 * If-None-Match gets 304 (no points read, nothing serialised) until the run writes a point to one
 * of the asked series (a retry can reopen a finished run, so nothing is "immutable").
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const url = new URL(req.url);
  const parsed = ZSeriesQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return jsonError(400, zodMessage(parsed.error));
  try {
    const plan = await planRunSeries(id, parsed.data);
    const etag = seriesEtag(plan.version);
    const headers = { etag, 'cache-control': 'private, no-cache' };
    if (matches(req.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
    const series = await plan.load();
    return Response.json({ runId: id, x: parsed.data.x, series }, { headers });
  } catch (e) {
    if (e instanceof SeriesNotFound) return jsonError(404, e.message);
    throw e;
  }
}
