import { lttb, type SeriesPoint, type SeriesXAxis } from '@tunelab/core/series';
import { prisma } from '@tunelab/db';
import { parseSeriesSelector, type SeriesResult, type TSeriesQuery } from './series-params.ts';

interface Row {
  step: number;
  value: number;
  epoch: number | null;
  wall: number;
}

/**
 * Downsampled series of one run from Metric rows.
 *
 * Small series are read whole. Large ones are reduced in Postgres first (M4: per step bucket keep
 * first, last, min and max, so no spike is lost; uses the (runId, name, split, step) index), then
 * LTTB brings the ≤ 4·points candidates down to `points`. Reading 100k rows through the driver costs
 * ~10× more than the bucket query, which is why the reduction happens in SQL.
 */
export async function loadRunSeries(runId: string, q: TSeriesQuery): Promise<SeriesResult[]> {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: { startedAt: true, createdAt: true },
  });
  if (!run) throw new SeriesNotFound(`Run ${runId} does not exist`);
  const t0 = (run.startedAt ?? run.createdAt).getTime() / 1000;

  const wanted = q.names.map(parseSeriesSelector);
  const available = await prisma.metric.groupBy({
    by: ['name', 'split'],
    where: { runId, name: { in: [...new Set(wanted.map((w) => w.name))] } },
    _count: { _all: true },
    _min: { step: true },
    _max: { step: true },
  });
  const out: SeriesResult[] = [];
  for (const w of wanted) {
    for (const a of available) {
      if (a.name !== w.name || (w.split !== null && a.split !== w.split)) continue;
      const key = `${a.split}/${a.name}`;
      if (out.some((o) => o.key === key)) continue;
      const rows = await readRows(
        runId,
        a.name,
        a.split,
        a._count._all,
        a._min.step ?? 0,
        a._max.step ?? 0,
        q,
      );
      const pts: SeriesPoint[] = rows.map((r) => ({ x: xOf(r, q.x, t0), y: r.value }));
      const reduced = pts.length > q.points ? lttb(pts, q.points) : pts;
      out.push({
        key,
        name: a.name,
        split: a.split,
        total: a._count._all,
        lastStep: a._max.step,
        points: reduced.map((p) => [p.x, p.y]),
      });
    }
  }
  return out;
}

export class SeriesNotFound extends Error {}

function xOf(r: Row, x: SeriesXAxis, t0: number): number {
  if (x === 'epoch') return r.epoch ?? r.step;
  if (x === 'wall') return Math.max(0, r.wall - t0);
  return r.step;
}

async function readRows(
  runId: string,
  name: string,
  split: string,
  count: number,
  lo: number,
  hi: number,
  q: TSeriesQuery,
): Promise<Row[]> {
  const after = q.after ?? -2_147_483_648;
  if (count <= q.points * 4 || q.after !== undefined) {
    return prisma.$queryRaw<Row[]>`
      SELECT step, value, epoch, extract(epoch from "wallTime")::float8 AS wall
      FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split} AND step > ${after}
      ORDER BY step LIMIT ${q.points * 4}`;
  }
  const buckets = q.points;
  const span = hi - lo + 1;
  const picked = await prisma.$queryRaw<{ steps: number[] }[]>`
    SELECT array_agg(DISTINCT s) AS steps FROM (
      SELECT unnest(ARRAY[min(step), max(step),
        (array_agg(step ORDER BY value))[1], (array_agg(step ORDER BY value DESC))[1]]) AS s
      FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split}
      GROUP BY floor((step - ${lo})::float8 * ${buckets} / ${span})
    ) q`;
  const steps = picked[0]?.steps ?? [];
  return prisma.$queryRaw<Row[]>`
    SELECT step, value, epoch, extract(epoch from "wallTime")::float8 AS wall
    FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split} AND step = ANY(${steps})
    ORDER BY step`;
}
