'use client';
import type { VectorsReport } from '@tunelab/core/vectors';
import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { csvCell, exportCsv } from '../../charts/chart-export.ts';
import { ExportTools } from '../../charts/export-tools.tsx';
import { PALETTE } from '../../charts/metric-chart.tsx';
import {
  buildHeatmap,
  cellColor,
  HEATMAP_FIGURES,
  similarityColor,
  type THeatmapFigure,
} from '../lib/heatmap.ts';
import { AtlasCharts } from './atlas-charts.tsx';

interface Props {
  report: VectorsReport;
  /** Model id → display name. */
  names: Record<string, string>;
  /** 2-D tensor name → singular values per tuned model (from the full report). */
  spectra: Record<string, number[][]>;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0)
    ? v.toExponential(2)
    : Number(v.toPrecision(3)).toString();

/** A heatmap's legend: the colour ramp with the values its ends stand for. */
function ColorScale({
  stops,
  low,
  high,
  caption,
}: {
  stops: string[];
  low: string;
  high: string;
  caption: string;
}) {
  return (
    <div className="color-scale" data-testid="color-scale">
      <span className="small mono">{low}</span>
      <span className="color-ramp" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <span className="small mono">{high}</span>
      <span className="muted small">{caption}</span>
    </div>
  );
}

/** Heatmap (layer × module), singular-value spectrum of any matrix, similarity matrix, definitions. */
export function AnalysisView({ report, names, spectra }: Props) {
  const [model, setModel] = useState(0);
  const [figure, setFigure] = useState<THeatmapFigure>('relative');
  const matrices = Object.keys(spectra);
  const [matrix, setMatrix] = useState(matrices[0] ?? '');
  const [scope, setScope] = useState('overall');
  const heatmap = useMemo(() => buildHeatmap(report.groups, model, figure), [report, model, figure]);
  const label = (id: string) => names[id] ?? id;
  // One row per tensor and side, naming the models (usually every fine-tune) that have it.
  const unshared = [
    ...(report.unshared ?? [])
      .reduce((rows, u) => {
        const key = `${u.side}:${u.tensor}`;
        const row = rows.get(key) ?? {
          tensor: u.tensor,
          side: u.side,
          shape: u.shape,
          models: [] as string[],
        };
        row.models.push(u.model);
        return rows.set(key, row);
      }, new Map<string, { tensor: string; side: string; shape: number[]; models: string[] }>())
      .values(),
  ];
  const spectrum = (spectra[matrix] ?? [[]])[0]?.map((_, i) => {
    const row: Record<string, number> = { index: i + 1 };
    (spectra[matrix] ?? []).forEach((values, k) => {
      const v = values[i];
      if (v !== undefined && v > 0) row[`m${k}`] = v;
    });
    return row;
  });
  const spectrumBox = useRef<HTMLDivElement>(null);
  const heatmapCsv = () =>
    [
      ['layer', ...heatmap.modules].map(csvCell).join(','),
      ...heatmap.layers.map((layer, i) =>
        [layer, ...heatmap.modules.map((_, j) => heatmap.values[i]?.[j] ?? '')].map(csvCell).join(','),
      ),
    ].join('\n');
  const spectrumCsv = () =>
    [
      ['index', ...report.tuned.map(label)].map(csvCell).join(','),
      ...(spectrum ?? []).map((row) =>
        [row.index, ...report.tuned.map((_, k) => row[`m${k}`] ?? '')].map(csvCell).join(','),
      ),
    ].join('\n');
  const similarity =
    scope === 'overall'
      ? report.overall.similarity
      : report.layers.find((l) => l.layer === scope)?.similarity;

  return (
    <>
      <div className="card" data-testid="analysis-heatmap">
        <div className="chart-head">
          <h2>Where fine-tuning changed the model</h2>
          <div className="chart-tools">
            <button
              type="button"
              onClick={() => exportCsv(heatmapCsv(), `heatmap-${figure}-${label(report.tuned[model] ?? '')}`)}
              title="Download the heatmap values as CSV"
            >
              CSV
            </button>
          </div>
        </div>
        <div className="row chart-controls">
          <select value={model} onChange={(e) => setModel(Number(e.target.value))}>
            {report.tuned.map((id, k) => (
              <option key={id} value={k}>
                {label(id)}
              </option>
            ))}
          </select>
          <select value={figure} onChange={(e) => setFigure(e.target.value as THeatmapFigure)}>
            {Object.entries(HEATMAP_FIGURES).map(([key, text]) => (
              <option key={key} value={key}>
                {text}
              </option>
            ))}
          </select>
          <span className="muted small">
            overall: relative {fmt(report.overall.changes[model]?.relative ?? 0)}, changed{' '}
            {fmt(100 * (report.overall.changes[model]?.changedShare ?? 0))}%
          </span>
        </div>
        <table className="heatmap">
          <thead>
            <tr>
              <th />
              {heatmap.modules.map((m) => (
                <th key={m} className="small">
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {heatmap.layers.map((layer, i) => (
              <tr key={layer}>
                <th className="small">{layer}</th>
                {heatmap.modules.map((module, j) => {
                  const v = heatmap.values[i]?.[j] ?? null;
                  return (
                    <td
                      key={module}
                      className="mono small"
                      title={`${layer} · ${module}`}
                      style={{
                        background: v === null ? undefined : cellColor(v, heatmap.min, heatmap.max),
                        textAlign: 'center',
                      }}
                    >
                      {v === null ? '' : fmt(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <ColorScale
          stops={[0, 0.5, 1].map((t) => cellColor(t, 0, 1))}
          low={fmt(heatmap.min)}
          high={fmt(heatmap.max)}
          caption={HEATMAP_FIGURES[figure]}
        />
      </div>
      <div className="grid two">
        <div className="card" data-testid="analysis-spectrum">
          <div className="chart-head">
            <h2>Singular values of Δ</h2>
            {matrices.length > 0 && (
              <ExportTools
                target={spectrumBox}
                fileName={`spectrum-${matrix}`}
                note={{
                  title: `Singular values of Δ ${matrix}`,
                  xLabel: 'index (largest first)',
                  yLabel: 'singular value (log)',
                }}
                csv={spectrumCsv}
              />
            )}
          </div>
          {matrices.length === 0 ? (
            <p className="muted">This analysis ran without singular values.</p>
          ) : (
            <>
              <select value={matrix} onChange={(e) => setMatrix(e.target.value)} className="mono small">
                {matrices.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
              <div ref={spectrumBox}>
                <ResponsiveContainer width="100%" height={280}>
                  <LineChart data={spectrum}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="index" />
                    <YAxis scale="log" domain={['auto', 'auto']} tickFormatter={fmt} allowDataOverflow />
                    <Tooltip formatter={(v) => fmt(Number(v))} />
                    <Legend />
                    {report.tuned.map((id, k) => (
                      <Line
                        key={id}
                        dataKey={`m${k}`}
                        name={label(id)}
                        dot={false}
                        stroke={PALETTE[k % PALETTE.length]}
                      />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              </div>
              <p className="muted small">
                Effective rank:{' '}
                {report.tuned
                  .map(
                    (id, k) =>
                      `${label(id)} ${report.tensors.find((t) => t.name === matrix)?.changes[k]?.effectiveRank ?? '—'}`,
                  )
                  .join(', ')}
              </p>
            </>
          )}
        </div>
        <div className="card" data-testid="analysis-similarity">
          <h2>Similarity of tuning vectors</h2>
          {report.tuned.length < 2 ? (
            <p className="muted">Analyse two or more fine-tuned models to compare their tuning vectors.</p>
          ) : (
            <>
              <select value={scope} onChange={(e) => setScope(e.target.value)}>
                <option value="overall">whole model</option>
                {report.layers.map((l) => (
                  <option key={l.layer} value={l.layer}>
                    {l.layer}
                  </option>
                ))}
              </select>
              <table>
                <thead>
                  <tr>
                    <th />
                    {report.tuned.map((id) => (
                      <th key={id} className="small">
                        {label(id)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {report.tuned.map((id, a) => (
                    <tr key={id}>
                      <th className="small">{label(id)}</th>
                      {report.tuned.map((other, b) => {
                        const v = similarity?.[a]?.[b] ?? 0;
                        return (
                          <td
                            key={other}
                            className="mono small"
                            style={{ background: similarityColor(v), textAlign: 'center' }}
                          >
                            {v.toFixed(3)}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
              <ColorScale
                stops={[-1, 0, 1].map(similarityColor)}
                low="−1"
                high="+1"
                caption="cosine similarity"
              />
            </>
          )}
        </div>
      </div>
      <div className="card" data-testid="analysis-atlas">
        <h2>Conflict and representation change per layer</h2>
        <AtlasCharts report={report} names={names} />
      </div>
      <div className="card" data-testid="analysis-unshared">
        <h2>Tensors only one side has</h2>
        <p className="muted small">
          Only the tensors the base and a fine-tuned model share are compared above. A fine-tune of a
          masked-LM base adds a pooler and a classifier (added) and drops the masked-LM head (dropped).
        </p>
        {unshared.length === 0 ? (
          <p className="muted">None: every tensor is in both the base and each fine-tuned model.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>tensor</th>
                <th>side</th>
                <th>shape</th>
                <th>fine-tuned models</th>
              </tr>
            </thead>
            <tbody>
              {unshared.map((u) => (
                <tr key={`${u.side}:${u.tensor}`}>
                  <td className="mono small">{u.tensor}</td>
                  <td className="small">
                    {u.side === 'added' ? 'added (not in the base)' : 'dropped (base only)'}
                  </td>
                  <td className="mono small">[{u.shape.join(', ')}]</td>
                  <td className="small">
                    {u.models.length === report.tuned.length && report.tuned.length > 1
                      ? `all ${u.models.length}`
                      : u.models.map(label).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2>Definitions</h2>
        <dl className="kv small">
          {Object.entries(report.definitions).map(([key, text]) => (
            <div key={key} style={{ display: 'contents' }}>
              <dt className="mono">{key}</dt>
              <dd>{text}</dd>
            </div>
          ))}
          <dt className="mono">threshold</dt>
          <dd>{report.options.threshold} × RMS(θ_base) of each tensor</dd>
        </dl>
      </div>
    </>
  );
}
