'use client';
import { type RefObject, useState } from 'react';
import { type ChartAnnotation, exportCsv, exportPng, exportSvg } from './chart-export.ts';

interface Props {
  /** The element holding the chart's svg. */
  target: RefObject<HTMLElement | null>;
  fileName: string;
  /** Title and axis labels written into the exported images. */
  note: ChartAnnotation;
  /** The plotted data as CSV (long format). */
  csv: () => string;
}

/** PNG / SVG / CSV buttons for any chart on a page; errors show beside the buttons. */
export function ExportTools({ target, fileName, note, csv }: Props) {
  const [error, setError] = useState<string | null>(null);
  const name = fileName.replace(/[^\w.-]+/g, '_');
  const guarded = (f: () => void | Promise<void>) => async () => {
    try {
      setError(null);
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="chart-tools">
      <button
        type="button"
        onClick={guarded(() => exportPng(target.current, name, note))}
        title="Download PNG"
      >
        PNG
      </button>
      <button
        type="button"
        onClick={guarded(() => exportSvg(target.current, name, note))}
        title="Download SVG"
      >
        SVG
      </button>
      <button
        type="button"
        onClick={guarded(() => exportCsv(csv(), name))}
        title="Download the plotted points as CSV"
      >
        CSV
      </button>
      {error && <span className="error-box small">{error}</span>}
    </div>
  );
}
