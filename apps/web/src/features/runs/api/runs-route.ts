import { errorResponse, jsonError, parseJsonBody, zodMessage } from '../../../common/server/http.ts';
import { LaunchRefused, launchRuns, ZLaunchRuns } from '../lib/launch-runs.ts';
import { findRuns, ZRunsQuery } from '../lib/runs-query.ts';

/** GET /api/runs?status=&dataset=&model=&tag=&q=&sort=&dir=&page= — one page of runs. */
export async function GET(req: Request) {
  const parsed = ZRunsQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return jsonError(400, zodMessage(parsed.error));
  return Response.json(await findRuns(parsed.data), { headers: { 'cache-control': 'no-store' } });
}

/** POST /api/runs {modelId, datasetId, params, seeds, tags} → {runIds}; 422 with the reasons when refused. */
export async function POST(req: Request) {
  try {
    const body = await parseJsonBody(req, ZLaunchRuns);
    const runIds = await launchRuns(body);
    return Response.json({ runIds }, { status: 201 });
  } catch (e) {
    if (e instanceof LaunchRefused) return jsonError(422, e.message, { problems: e.problems });
    return errorResponse(e, 'web:runs');
  }
}
