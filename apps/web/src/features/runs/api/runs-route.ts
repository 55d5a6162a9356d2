import { ZodError } from 'zod';
import { LaunchRefused, launchRuns } from '../lib/launch-runs.ts';
import { findRuns, ZRunsQuery } from '../lib/runs-query.ts';
import { jsonError, zodMessage } from './http.ts';

/** GET /api/runs?status=&dataset=&model=&tag=&q=&sort=&dir=&page= — one page of runs. */
export async function GET(req: Request) {
  const parsed = ZRunsQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return jsonError(400, zodMessage(parsed.error));
  return Response.json(await findRuns(parsed.data), { headers: { 'cache-control': 'no-store' } });
}

/** POST /api/runs {modelId, datasetId, params, seeds, tags} → {runIds}; 422 with the reasons when refused. */
export async function POST(req: Request) {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return jsonError(400, 'The request body is not valid JSON');
  }
  try {
    const runIds = await launchRuns(body as never);
    return Response.json({ runIds }, { status: 201 });
  } catch (e) {
    if (e instanceof ZodError) return jsonError(400, zodMessage(e));
    if (e instanceof LaunchRefused) return jsonError(422, e.message, { problems: e.problems });
    throw e;
  }
}
