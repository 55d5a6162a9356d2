import { lttb, type SeriesPoint, type SeriesXAxis } from '@tunelab/core/series';
import { prisma } from '@tunelab/db';
import { fractionalEpoch } from './epoch-axis.ts';
import { parseSeriesSelector, type SeriesResult, type TSeriesQuery } from './series-params.ts';

interface Row {
  step: number;
  value: number;
  epoch: number | null;
  wall: number;
}

const KNOWN_SPLITS = ['train', 'eval', 'test', 'mlm'];
const CACHE_MAX = 200;

/**
 * Downsampled series of one run from Metric rows.
 *
 * Series are located with index lookups (min/max step per (run, name, split)), never by scanning the
 * run's metrics. Small series (step span ≤ 4·points) are read whole. Large ones are reduced in
 * Postgres in one pass (M4: per step bucket keep the first, last, lowest and highest point, so no
 * spike is lost), then LTTB brings the ≤ 4·points candidates down to `points`.
 *
 * Results are cached per (run, series, x, points, first and last step): metric writes are
 * append-only and idempotent, so a series whose last step has not moved has not changed. A finished
 * run is reduced once; a live run is recomputed only when new steps arrive.
 */
export async function loadRunSeries(runId: string, q: TSeriesQuery): Promise<SeriesResult[]> {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: { startedAt: true, createdAt: true, progress: true, params: true },
  });
  if (!run) throw new SeriesNotFound(`Run ${runId} does not exist`);
  const t0 = (run.startedAt ?? run.createdAt).getTime() / 1000;
  const epochs = q.x === 'epoch' ? await epochBoundaries(runId, run) : undefined;

  const wanted: { name: string; split: string }[] = [];
  for (const w of q.names.map(parseSeriesSelector)) {
    for (const split of w.split === null ? KNOWN_SPLITS : [w.split]) {
      if (!wanted.some((x) => x.name === w.name && x.split === split)) wanted.push({ name: w.name, split });
    }
  }
  const found = await Promise.all(wanted.map((w) => loadOne(runId, w.name, w.split, q, t0, epochs)));
  return found.filter((s): s is SeriesResult => s !== null);
}

export class SeriesNotFound extends Error {}

const cache = new Map<string, SeriesResult>();

/** Drops cached reductions (benchmarks measure the uncached path with it). */
export function clearSeriesCache(): void {
  cache.clear();
}

async function loadOne(
  runId: string,
  name: string,
  split: string,
  q: TSeriesQuery,
  t0: number,
  epochs?: EpochBoundaries,
): Promise<SeriesResult | null> {
  const bounds = await prisma.metric.aggregate({
    where: { runId, name, split },
    _min: { step: true },
    _max: { step: true },
  });
  const lo = bounds._min.step;
  const hi = bounds._max.step;
  if (lo === null || hi === null) return null;
  const key = `${runId}|${name}|${split}|${q.x}|${q.points}|${q.after ?? ''}|${lo}|${hi}|${epochs?.key ?? ''}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const { rows, total } = await readRows(runId, name, split, lo, hi, q);
  const pts: SeriesPoint[] = rows.map((r) => ({ x: xOf(r, q.x, t0, epochs), y: r.value }));
  const reduced = pts.length > q.points ? lttb(pts, q.points) : pts;
  const result: SeriesResult = {
    key: `${split}/${name}`,
    name,
    split,
    total,
    lastStep: hi,
    points: reduced.map((p) => [p.x, p.y]),
  };
  cache.set(key, result);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  return result;
}

interface EpochBoundaries {
  ends: Map<number, number>;
  stepsPerEpoch?: number;
  key: string;
}

/** Last step of each finished epoch (from the points written at epoch ends) for the epoch axis. */
async function epochBoundaries(
  runId: string,
  run: { progress: number; params: unknown },
): Promise<EpochBoundaries> {
  const groups = await prisma.metric.groupBy({
    by: ['epoch'],
    where: { runId, split: { not: 'train' }, epoch: { not: null } },
    _max: { step: true },
  });
  const ends = new Map<number, number>();
  for (const g of groups) {
    if (g.epoch !== null && Number.isInteger(g.epoch) && g._max.step !== null) ends.set(g.epoch, g._max.step);
  }
  let stepsPerEpoch: number | undefined;
  const planned = (run.params as { epochs?: unknown } | null)?.epochs;
  if (ends.size === 0 && typeof planned === 'number' && planned > 0 && run.progress > 0) {
    const last = await prisma.metric.aggregate({ where: { runId, split: 'train' }, _max: { step: true } });
    if (last._max.step) stepsPerEpoch = last._max.step / run.progress / planned;
  }
  return { ends, stepsPerEpoch, key: [...ends].map(([e, s]) => `${e}:${s}`).join(',') };
}

function xOf(r: Row, x: SeriesXAxis, t0: number, epochs?: EpochBoundaries): number {
  if (x === 'epoch') {
    if (r.epoch === null) return r.step;
    return epochs ? fractionalEpoch(r.step, r.epoch, epochs.ends, epochs.stepsPerEpoch) : r.epoch;
  }
  if (x === 'wall') return Math.max(0, r.wall - t0);
  return r.step;
}

async function readRows(
  runId: string,
  name: string,
  split: string,
  lo: number,
  hi: number,
  q: TSeriesQuery,
): Promise<{ rows: Row[]; total: number }> {
  const span = hi - lo + 1;
  if (span <= q.points * 4 || q.after !== undefined) {
    const after = q.after ?? -2_147_483_648;
    const rows = await prisma.$queryRaw<Row[]>`
      SELECT step, value, epoch, extract(epoch from "wallTime")::float8 AS wall
      FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split} AND step > ${after}
      ORDER BY step LIMIT ${q.points * 4}`;
    return { rows, total: rows.length };
  }
  // Pass 1 (no sort): per bucket the first and last step and the steps of the lowest and highest
  // value (array min/max keep [value, step] together; two-element arrays cost ~2× a plain
  // aggregate, four-element ones with the other columns ~4×). Pass 2: those ≤ 4·points rows by index.
  const buckets = await prisma.$queryRaw<
    { n: bigint | number; f: number; l: number; mn: number[]; mx: number[] }[]
  >`
    SELECT count(*) AS n, min(step) AS f, max(step) AS l,
      min(ARRAY[value, step::float8]) AS mn, max(ARRAY[value, step::float8]) AS mx
    FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split}
    GROUP BY floor((step - ${lo})::float8 * ${q.points} / ${span})`;
  let total = 0;
  const steps = new Set<number>();
  for (const b of buckets) {
    total += Number(b.n);
    steps.add(b.f);
    steps.add(b.l);
    steps.add(b.mn[1] as number);
    steps.add(b.mx[1] as number);
  }
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT step, value, epoch, extract(epoch from "wallTime")::float8 AS wall
    FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split} AND step = ANY(${[...steps]})
    ORDER BY step`;
  return { rows, total };
}
