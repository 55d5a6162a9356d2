'use client';
import type { VectorsReport } from '@tunelab/core/vectors';
import { useRef } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ExportTools } from '../../charts/export-tools.tsx';
import { PALETTE } from '../../charts/palette.ts';
import { atlasCsv, ckaChart, conflictChart, type TAtlasChart } from '../lib/atlas-series.ts';

interface Props {
  report: Pick<VectorsReport, 'layers' | 'tuned' | 'activations' | 'options'>;
  /** Model id → display name. */
  names: Record<string, string>;
  /** Prefix of the exported file names. */
  fileName?: string;
}

const fmt = (v: number) => Number(v.toPrecision(3)).toString();

function LayerChart({
  chart,
  title,
  yLabel,
  fileName,
  testId,
}: {
  chart: TAtlasChart;
  title: string;
  yLabel: string;
  fileName: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  return (
    <div className="chart-card" data-testid={testId} data-points={chart.rows.length * chart.lines.length}>
      <div className="chart-head">
        <h3>{title}</h3>
        <ExportTools
          target={box}
          fileName={fileName}
          note={{ title, xLabel: 'layer', yLabel }}
          csv={() => atlasCsv(chart)}
        />
      </div>
      <div ref={box}>
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={chart.rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="layer" />
            <YAxis domain={[0, 1]} tickFormatter={fmt} />
            <Tooltip formatter={(v) => fmt(Number(v))} />
            <Legend />
            {chart.lines.map((line, i) => (
              <Line
                key={line.key}
                dataKey={line.key}
                name={line.label}
                stroke={PALETTE[i % PALETTE.length]}
                strokeDasharray={line.key === 'conflict' ? '6 3' : undefined}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

/** Conflict and CKA per layer: where the tuning vectors fight, and where representations moved. */
export function AtlasCharts({ report, names, fileName = 'atlas' }: Props) {
  const label = (id: string) => names[id] ?? id;
  const conflict = conflictChart(report, label);
  const cka = ckaChart(report, label);
  const density = report.options.tiesDensity;
  return (
    <div className="grid two">
      {conflict.lines.length === 0 ? (
        <p className="muted">
          Sign conflict and TIES interference need two or more fine-tuned models (and a report made after they
          were added).
        </p>
      ) : (
        <LayerChart
          chart={conflict}
          title={`Conflict per layer${density ? ` (TIES at density ${density})` : ''}`}
          yLabel="share"
          fileName={`${fileName}-conflict`}
          testId="atlas-conflict"
        />
      )}
      {cka ? (
        <LayerChart
          chart={cka}
          title={`Linear CKA per layer (${report.activations?.rows ?? 0} rows)`}
          yLabel="CKA"
          fileName={`${fileName}-cka`}
          testId="atlas-cka"
        />
      ) : (
        <p className="muted">No CKA: launch the analysis with a dataset to run the models on its rows.</p>
      )}
    </div>
  );
}
