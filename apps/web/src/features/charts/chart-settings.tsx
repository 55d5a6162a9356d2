'use client';
import type { SeriesXAxis } from '@tunelab/core/series';
import { createContext, type ReactNode, useContext, useState } from 'react';

/** Settings shared by every chart on a page (run page, compare view). */
export interface ChartSettings {
  smoothing: number;
  x: SeriesXAxis;
  logY: boolean;
}

interface ChartSettingsState extends ChartSettings {
  set: (patch: Partial<ChartSettings>) => void;
}

const Ctx = createContext<ChartSettingsState | null>(null);

export function ChartSettingsProvider({
  children,
  initial,
}: {
  children: ReactNode;
  initial?: Partial<ChartSettings>;
}) {
  const [s, setS] = useState<ChartSettings>({ smoothing: 0.6, x: 'step', logY: false, ...initial });
  return (
    <Ctx.Provider value={{ ...s, set: (patch) => setS((old) => ({ ...old, ...patch })) }}>
      {children}
    </Ctx.Provider>
  );
}

export function useChartSettings(): ChartSettingsState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useChartSettings must be used inside <ChartSettingsProvider>');
  return v;
}

const X_LABELS: Record<SeriesXAxis, string> = { step: 'Step', epoch: 'Epoch', wall: 'Wall time (s)' };
export const xAxisLabel = (x: SeriesXAxis) => X_LABELS[x];

export function ChartControls() {
  const s = useChartSettings();
  return (
    <div className="chart-controls" data-testid="chart-controls">
      <label>
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={s.smoothing}
          onChange={(e) => s.set({ smoothing: Number(e.target.value) })}
          aria-label="EMA smoothing weight"
        />
        <span className="mono">{s.smoothing.toFixed(2)}</span>
      </label>
      <label>
        X axis
        <select value={s.x} onChange={(e) => s.set({ x: e.target.value as SeriesXAxis })} aria-label="X axis">
          <option value="step">step</option>
          <option value="epoch">epoch</option>
          <option value="wall">wall time</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={s.logY} onChange={(e) => s.set({ logY: e.target.checked })} /> Log
        scale (y)
      </label>
      <span className="muted small">
        Smoothing is a debiased EMA (TensorBoard); the raw curve stays faint behind it.
      </span>
    </div>
  );
}
