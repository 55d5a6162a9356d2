import { jsonError } from '../../../common/server/http.ts';
import { FINAL_STATUSES, runSnapshot } from '../lib/run-snapshot.ts';

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/runs/[id]/events — server-sent events. `snapshot` events carry the run's status,
 * progress, ETA, queue position, metric count and new log lines whenever one of them changes. The
 * stream ends after the run reaches a final status. The database is polled (1 s) rather than
 * notified so that any number of web processes and workers need no extra channel.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const first = await runSnapshot(id);
  if (!first) return jsonError(404, `Run ${id} does not exist`);
  const encoder = new TextEncoder();
  let closed = false;
  req.signal.addEventListener('abort', () => {
    closed = true;
  });

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: string, data: unknown) => {
        if (!closed) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      let last = first;
      let lastLogTs = first.logs.at(-1)?.ts;
      send('snapshot', first);
      let sinceBeat = 0;
      try {
        while (!closed && !FINAL_STATUSES.has(last.status)) {
          await new Promise((r) => setTimeout(r, POLL_MS));
          if (closed) break;
          const next = await runSnapshot(id, lastLogTs ? new Date(lastLogTs) : undefined);
          if (!next) break;
          const changed =
            next.status !== last.status ||
            next.progress !== last.progress ||
            next.metricPoints !== last.metricPoints ||
            next.queuePosition !== last.queuePosition ||
            next.cancelRequested !== last.cancelRequested ||
            next.logs.length > 0;
          if (changed) {
            send('snapshot', next);
            sinceBeat = 0;
          } else {
            sinceBeat += POLL_MS;
            if (sinceBeat >= HEARTBEAT_MS) {
              if (!closed) controller.enqueue(encoder.encode(': keep-alive\n\n'));
              sinceBeat = 0;
            }
          }
          lastLogTs = next.logs.at(-1)?.ts ?? lastLogTs;
          last = next;
        }
        send('end', { status: last.status });
      } catch (e) {
        send('error', { error: e instanceof Error ? e.message : String(e) });
      } finally {
        if (!closed) controller.close();
        closed = true;
      }
    },
    cancel() {
      closed = true;
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
