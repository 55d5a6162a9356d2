import { jsonError } from '../../../common/server/http.ts';
import { cancelRun, RunActionError, retryRun } from '../lib/run-actions.ts';

type Ctx = { params: Promise<{ id: string }> };

async function handle(fn: () => Promise<unknown>) {
  try {
    return Response.json({ ok: true, result: await fn() });
  } catch (e) {
    if (e instanceof RunActionError) return jsonError(e.status, e.message);
    throw e;
  }
}

export async function POST_CANCEL(_req: Request, ctx: Ctx) {
  const { id } = await ctx.params;
  return handle(() => cancelRun(id));
}

export async function POST_RETRY(_req: Request, ctx: Ctx) {
  const { id } = await ctx.params;
  return handle(() => retryRun(id));
}
