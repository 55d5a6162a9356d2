// The search page's two charts, drawn as plain SVG on the server (the page refreshes while the
// search runs): objective against evaluations with the running best, and the normalised scores of
// two domains with the Pareto front over every domain highlighted.
import type { TSearchView } from '../lib/search-view.ts';

const W = 420;
const H = 260;
const PAD = 36;

function scales(xs: number[], ys: number[]) {
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 1)];
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  return { sx, sy, x0, x1, y0, y1 };
}

function Axes({
  x0,
  x1,
  y0,
  y1,
  xLabel,
  yLabel,
}: {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  xLabel: string;
  yLabel: string;
}) {
  return (
    <g fontSize={10} fill="currentColor">
      <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="currentColor" opacity={0.4} />
      <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} stroke="currentColor" opacity={0.4} />
      <text x={PAD} y={H - PAD + 14}>
        {x0.toFixed(2)}
      </text>
      <text x={W - PAD} y={H - PAD + 14} textAnchor="end">
        {x1.toFixed(2)}
      </text>
      <text x={PAD - 4} y={H - PAD} textAnchor="end">
        {y0.toFixed(2)}
      </text>
      <text x={PAD - 4} y={PAD + 4} textAnchor="end">
        {y1.toFixed(2)}
      </text>
      <text x={W / 2} y={H - 6} textAnchor="middle">
        {xLabel}
      </text>
      <text x={10} y={H / 2} transform={`rotate(-90 10 ${H / 2})`} textAnchor="middle">
        {yLabel}
      </text>
    </g>
  );
}

export function ObjectiveChart({ view }: { view: TSearchView }) {
  if (view.trace.length === 0) return <p className="muted">No candidate scored yet.</p>;
  const { sx, sy, ...range } = scales(
    [0, view.budget],
    view.trace.flatMap(([, f, b]) => [f, b]),
  );
  const best = view.trace.map(([x, , b]) => `${sx(x)},${sy(b)}`).join(' ');
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label="objective against evaluations"
      data-testid="search-objective"
    >
      <Axes {...range} xLabel="evaluations" yLabel="objective (subsample)" />
      <polyline points={best} fill="none" stroke="#2563eb" strokeWidth={2} />
      {view.trace.map(([x, f]) => (
        <circle key={x} cx={sx(x)} cy={sy(f)} r={3} fill="#f59e0b" data-testid="search-point" />
      ))}
    </svg>
  );
}

export function ParetoChart({ view }: { view: TSearchView }) {
  if (view.points.length === 0 || view.domains.length < 2)
    return <p className="muted">No candidate scored yet.</p>;
  const xs = view.points.map((p) => p.normalised[0] as number);
  const ys = view.points.map((p) => p.normalised[1] as number);
  const { sx, sy, ...range } = scales(xs, ys);
  const front = view.points
    .filter((p) => p.front)
    .sort((a, b) => (a.normalised[0] as number) - (b.normalised[0] as number))
    .map((p) => `${sx(p.normalised[0] as number)},${sy(p.normalised[1] as number)}`)
    .join(' ');
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label="Pareto front of the domains"
      data-testid="search-pareto"
    >
      <Axes {...range} xLabel={`${view.domains[0]} normalised`} yLabel={`${view.domains[1]} normalised`} />
      <polyline points={front} fill="none" stroke="#16a34a" strokeDasharray="4 3" />
      {view.points.map((p) => (
        <circle
          key={p.index}
          cx={sx(p.normalised[0] as number)}
          cy={sy(p.normalised[1] as number)}
          r={p.front ? 4 : 3}
          fill={p.front ? '#16a34a' : '#9ca3af'}
        >
          <title>{`candidate ${p.index}: ${p.normalised.map((v) => v.toFixed(3)).join(', ')}`}</title>
        </circle>
      ))}
    </svg>
  );
}
