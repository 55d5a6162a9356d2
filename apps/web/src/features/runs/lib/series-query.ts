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
/** Whole short series kept in memory (≤ 4·points rows each) so a live run reads only its new steps. */
const ROWS_CACHE_MAX = 64;

/** A series as the MetricSeries catalogue (kept exact by triggers on Metric) describes it. */
interface CatalogueEntry {
  name: string;
  split: string;
  points: number;
  firstStep: number;
  lastStep: number;
}

/** What a series request will read: `version` changes whenever any answer would (an ETag). */
export interface SeriesPlan {
  version: string;
  load(): Promise<SeriesResult[]>;
}

/**
 * Downsampled series of one run from Metric rows.
 *
 * One statement reads the run and its series catalogue (MetricSeries: points, first and last step
 * per series), so nothing counts or scans points to learn a series' size. Small series (step span ≤
 * 4·points) are read whole and kept: while a run is live only the steps after the kept last step
 * are read (the catalogue's point count confirms nothing arrived below it; otherwise the series is
 * read again). Large ones are reduced in Postgres in one pass (M4: per step bucket keep the first,
 * last, lowest and highest point, so no spike is lost), then LTTB brings the ≤ 4·points candidates
 * down to `points`.
 *
 * Results are cached per (run, series, x, points, first and last step, point count): metric writes
 * are append-only and idempotent, so a series whose catalogue entry has not moved has not changed.
 * Concurrent requests for the same uncached result share one computation.
 */
export async function planRunSeries(runId: string, q: TSeriesQuery): Promise<SeriesPlan> {
  const [run] = await prisma.$queryRaw<
    { t0: number; progress: number; epochs: unknown; series: [string, string, number, number, number][] }[]
  >`
    SELECT extract(epoch from coalesce(r."startedAt", r."createdAt"))::float8 AS t0, r.progress,
      r.params -> 'epochs' AS epochs,
      coalesce((SELECT json_agg(json_build_array(s.name, s.split, s.points, s."firstStep", s."lastStep"))
                FROM "MetricSeries" s WHERE s."runId" = r.id), '[]'::json) AS series
    FROM "Run" r WHERE r.id = ${runId}`;
  if (!run) throw new SeriesNotFound(`Run ${runId} does not exist`);
  const catalogue = new Map<string, CatalogueEntry>(
    run.series.map(([name, split, points, firstStep, lastStep]) => [
      `${split}/${name}`,
      { name, split, points, firstStep, lastStep },
    ]),
  );
  const wanted: CatalogueEntry[] = [];
  for (const w of q.names.map(parseSeriesSelector)) {
    for (const split of w.split === null ? KNOWN_SPLITS : [w.split]) {
      const entry = catalogue.get(`${split}/${w.name}`);
      if (entry && !wanted.includes(entry)) wanted.push(entry);
    }
  }
  const trainLast = Math.max(
    0,
    ...run.series.filter(([, split]) => split === 'train').map(([, , , , lastStep]) => lastStep),
  );
  const epochs =
    q.x === 'epoch' ? await epochBoundaries(runId, run.progress, run.epochs, trainLast) : undefined;
  const t0 = run.t0;
  const version = [
    runId,
    q.x,
    q.points,
    q.after ?? '',
    q.x === 'wall' ? t0 : '',
    epochs?.key ?? '',
    ...wanted.map((w) => `${w.split}/${w.name}:${w.points}:${w.firstStep}:${w.lastStep}`),
  ].join('|');
  return {
    version,
    load: () => Promise.all(wanted.map((w) => loadOne(runId, w, q, t0, epochs))),
  };
}

export async function loadRunSeries(runId: string, q: TSeriesQuery): Promise<SeriesResult[]> {
  return (await planRunSeries(runId, q)).load();
}

export class SeriesNotFound extends Error {}

const cache = new Map<string, SeriesResult>();
const inflight = new Map<string, Promise<SeriesResult>>();
const rowsCache = new Map<string, { entry: CatalogueEntry; rows: Row[] }>();

/** Drops cached reductions and kept rows (benchmarks measure the uncached path with it). */
export function clearSeriesCache(): void {
  cache.clear();
  rowsCache.clear();
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

async function loadOne(
  runId: string,
  entry: CatalogueEntry,
  q: TSeriesQuery,
  t0: number,
  epochs?: EpochBoundaries,
): Promise<SeriesResult> {
  const { name, split, firstStep: lo, lastStep: hi, points: count } = entry;
  const key = `${runId}|${name}|${split}|${q.x}|${q.points}|${q.after ?? ''}|${lo}|${hi}|${count}|${epochs?.key ?? ''}`;
  const hit = cache.get(key);
  if (hit) {
    remember(cache, key, hit, CACHE_MAX);
    return hit;
  }
  const pending = inflight.get(key);
  if (pending) return pending;
  const work = (async () => {
    const { rows, total } = await readRows(runId, entry, q);
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
    remember(cache, key, result, CACHE_MAX);
    return result;
  })();
  inflight.set(key, work);
  try {
    return await work;
  } finally {
    inflight.delete(key);
  }
}

interface EpochBoundaries {
  ends: Map<number, number>;
  stepsPerEpoch?: number;
  key: string;
}

/** Last step of each finished epoch (from the points written at epoch ends) for the epoch axis. */
async function epochBoundaries(
  runId: string,
  progress: number,
  planned: unknown,
  trainLastStep: number,
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
  if (ends.size === 0 && typeof planned === 'number' && planned > 0 && progress > 0 && trainLastStep > 0)
    stepsPerEpoch = trainLastStep / progress / planned;
  return {
    ends,
    stepsPerEpoch,
    key: `${[...ends].map(([e, s]) => `${e}:${s}`).join(',')}|${stepsPerEpoch ?? ''}`,
  };
}

/** Rows with after < step ≤ upTo, in step order (at most `limit`). */
function readSteps(
  runId: string,
  name: string,
  split: string,
  after: number,
  limit: number,
  upTo = 2_147_483_647,
): Promise<Row[]> {
  return prisma.$queryRaw<Row[]>`
    SELECT step, value, epoch, extract(epoch from "wallTime")::float8 AS wall
    FROM "Metric" WHERE "runId" = ${runId} AND name = ${name} AND split = ${split}
      AND step > ${after} AND step <= ${upTo}
    ORDER BY step LIMIT ${limit}`;
}

/**
 * A short series whole. Kept rows are extended by the steps after their last one when the
 * catalogue shows the same first step and the new rows account for every added point; anything
 * else (a point below the kept last step) reads the series again.
 */
async function readWhole(runId: string, entry: CatalogueEntry, limit: number): Promise<Row[]> {
  const rowsKey = `${runId}|${entry.name}|${entry.split}`;
  const kept = rowsCache.get(rowsKey);
  let rows: Row[] | undefined;
  if (kept && kept.entry.firstStep === entry.firstStep && kept.entry.points <= entry.points) {
    if (kept.entry.points === entry.points && kept.entry.lastStep === entry.lastStep) rows = kept.rows;
    else if (kept.entry.lastStep < entry.lastStep) {
      const added = await readSteps(
        runId,
        entry.name,
        entry.split,
        kept.entry.lastStep,
        limit,
        entry.lastStep,
      );
      if (kept.rows.length + added.length === entry.points) rows = kept.rows.concat(added);
    }
  }
  rows ??= await readSteps(runId, entry.name, entry.split, -2_147_483_648, limit, entry.lastStep);
  // kept only when it is what the catalogue describes (a write between the two reads: read again next time)
  if (rows.length === entry.points && rows.at(-1)?.step === entry.lastStep)
    remember(rowsCache, rowsKey, { entry, rows }, ROWS_CACHE_MAX);
  else rowsCache.delete(rowsKey);
  return rows;
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
  entry: CatalogueEntry,
  q: TSeriesQuery,
): Promise<{ rows: Row[]; total: number }> {
  const { name, split, firstStep: lo, lastStep: hi } = entry;
  const span = hi - lo + 1;
  if (q.after !== undefined) {
    const rows = await readSteps(runId, name, split, q.after, q.points * 4);
    return { rows, total: rows.length };
  }
  if (span <= q.points * 4) return { rows: await readWhole(runId, entry, q.points * 4), total: entry.points };
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
