'use client';
import { type RefObject, useState } from 'react';
import { exportCsv, exportPng, exportSvg } from './chart-export.ts';

/** PNG / SVG / CSV buttons for a chart drawn inside `box`; `csv` builds the file only when asked. */
export function ChartExportButtons({
  box,
  name,
  csv,
}: {
  box: RefObject<HTMLDivElement | null>;
  name: string;
  csv: () => string;
}) {
  const [exportError, setExportError] = useState<string | null>(null);
  const guarded = (f: () => void | Promise<void>) => async () => {
    try {
      setExportError(null);
      await f();
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <div className="chart-tools">
        <button type="button" onClick={guarded(() => exportPng(box.current, name))} title="Download PNG">
          PNG
        </button>
        <button type="button" onClick={guarded(() => exportSvg(box.current, name))} title="Download SVG">
          SVG
        </button>
        <button
          type="button"
          onClick={guarded(() => exportCsv(csv(), name))}
          title="Download the plotted points as CSV"
        >
          CSV
        </button>
      </div>
      {exportError && <div className="error-box">{exportError}</div>}
    </>
  );
}
