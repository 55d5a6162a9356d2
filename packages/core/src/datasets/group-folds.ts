// Cross-validation folds that keep documents whole: seeded, stratified, grouped k-fold assignment.
import { seededRandom } from '../random/index.ts';
import type { TTask } from './schemas.ts';
import { assignFolds, labelStrata } from './split.ts';

/**
 * Fold index (0..k−1) of each row, aligned with `rows`, with every row of one `group` (the segments
 * of one interview) in the same fold. Rows without a group are groups of their own; without any
 * group this is `assignFolds` (each stratum spread over the folds within ±1, sizes within ±1).
 *
 * Groups are dealt greedily, like scikit-learn's StratifiedGroupKFold: groups are taken by their
 * most common label stratum, largest first (ties in a seeded random order), and each goes to the
 * fold where its labels are scarcest so far relative to their totals (Σ over its strata of its rows
 * there × the fold's share of that stratum) plus its size term (its rows × the fold's share of all
 * rows), ties to a seeded fold order. So strata and sizes spread evenly within the limits whole
 * groups allow. Same rows, k and seed → same folds. Refused when there are fewer groups than folds.
 */
export function crossValidationFolds(
  rows: readonly { label: number; group?: string | null }[],
  options: { task: TTask; k: number; seed: number; grouped?: boolean },
): number[] {
  const { k } = options;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, got ${k}`);
  const grouped = options.grouped !== false && rows.some((r) => r.group != null && r.group !== '');
  if (!grouped) {
    if (rows.length < k) throw new RangeError(`${rows.length} rows cannot fill k = ${k} folds`);
    return assignFolds(rows, options);
  }
  const strata = labelStrata(rows, options.task);
  const members = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = row.group != null && row.group !== '' ? `g:${row.group}` : `r:${i}`;
    const list = members.get(key);
    if (list) list.push(i);
    else members.set(key, [i]);
  });
  if (members.size < k) {
    throw new RangeError(`${members.size} documents cannot fill k = ${k} folds: every fold needs one`);
  }
  const random = seededRandom(options.seed);
  const groups = [...members.values()].map((idx) => {
    const counts = new Map<number, number>();
    for (const i of idx) counts.set(strata[i] ?? 0, (counts.get(strata[i] ?? 0) ?? 0) + 1);
    const stratum = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
    return { idx, stratum, counts, key: random() };
  });
  groups.sort((a, b) => a.stratum - b.stratum || b.idx.length - a.idx.length || a.key - b.key);
  const tieOrder = Array.from({ length: k }, (_, f) => ({ f, key: random() }))
    .sort((a, b) => a.key - b.key)
    .map((x, rank) => ({ f: x.f, rank }));
  const rankOf = new Map(tieOrder.map((x) => [x.f, x.rank]));
  const total = new Map<number, number>();
  for (const st of strata) total.set(st, (total.get(st) ?? 0) + 1);
  const sizes = new Array<number>(k).fill(0);
  const counts = Array.from({ length: k }, () => new Map<number, number>());
  const folds = new Array<number>(rows.length).fill(0);
  for (const g of groups) {
    // the fold where this group's labels are scarcest (relative to their totals) and that is smallest
    const cost = (f: number) => {
      let c = (g.idx.length * (sizes[f] as number)) / rows.length;
      for (const [st, n] of g.counts)
        c += (n * ((counts[f] as Map<number, number>).get(st) ?? 0)) / (total.get(st) as number);
      return c;
    };
    let best = 0;
    let bestCost = cost(0);
    for (let f = 1; f < k; f++) {
      const c = cost(f);
      const d = c - bestCost || (rankOf.get(f) as number) - (rankOf.get(best) as number);
      if (d < -1e-12 || (Math.abs(c - bestCost) <= 1e-12 && d < 0)) {
        best = f;
        bestCost = c;
      }
    }
    for (const i of g.idx) folds[i] = best;
    for (const [st, n] of g.counts)
      (counts[best] as Map<number, number>).set(st, ((counts[best] as Map<number, number>).get(st) ?? 0) + n);
    sizes[best] = (sizes[best] as number) + g.idx.length;
  }
  return folds;
}
