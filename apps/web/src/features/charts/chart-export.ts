/** Browser-only helpers to export a rendered recharts SVG as SVG/PNG and its data as CSV. */

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** What an exported image says about itself, since it leaves the page's headings behind. */
export interface ChartAnnotation {
  title: string;
  xLabel?: string;
  yLabel?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_BAND = 26;
const Y_LABEL_BAND = 18;
const X_LABEL_BAND = 18;

function svgText(text: string, attrs: Record<string, string>): SVGTextElement {
  const el = document.createElementNS(SVG_NS, 'text');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.textContent = text;
  return el;
}

/**
 * The chart's SVG as a standalone file: white background, and around the plot a title band, a
 * rotated y-axis label and an x-axis label (drawn only where the chart does not draw one itself).
 */
function serializeSvg(
  svg: SVGSVGElement,
  note?: ChartAnnotation,
): { text: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', SVG_NS);
  const box = svg.getBoundingClientRect();
  const left = note?.yLabel ? Y_LABEL_BAND : 0;
  const top = note ? TITLE_BAND : 0;
  const bottom = note?.xLabel ? X_LABEL_BAND : 0;
  const width = box.width + left;
  const height = box.height + top + bottom;
  if (note) {
    const plot = document.createElementNS(SVG_NS, 'g');
    plot.setAttribute('transform', `translate(${left}, ${top})`);
    while (clone.firstChild) plot.appendChild(clone.firstChild);
    clone.appendChild(plot);
    clone.removeAttribute('viewBox');
    clone.appendChild(
      svgText(note.title, {
        x: String(width / 2),
        y: '18',
        'text-anchor': 'middle',
        'font-size': '14',
        'font-weight': '600',
        fill: '#1c2430',
      }),
    );
    if (note.yLabel) {
      clone.appendChild(
        svgText(note.yLabel, {
          x: String(-(top + box.height / 2)),
          y: '13',
          transform: 'rotate(-90)',
          'text-anchor': 'middle',
          'font-size': '11',
          fill: '#5b6778',
        }),
      );
    }
    if (note.xLabel) {
      clone.appendChild(
        svgText(note.xLabel, {
          x: String(left + box.width / 2),
          y: String(height - 5),
          'text-anchor': 'middle',
          'font-size': '11',
          fill: '#5b6778',
        }),
      );
    }
  }
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  // a white background so the exported image reads the same outside the page
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  clone.setAttribute('font-family', 'system-ui, sans-serif');
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

/** The chart's drawing: a recharts surface, or any other svg marked data-export (heatmaps). */
function chartSvg(container: HTMLElement | null): SVGSVGElement {
  // The largest one: legend icons are small svg.recharts-surface elements too, and may come first.
  const area = (el: SVGSVGElement) => {
    const r = el.getBoundingClientRect();
    return r.width * r.height;
  };
  const svg =
    [...(container?.querySelectorAll<SVGSVGElement>('svg.recharts-surface, svg[data-export]') ?? [])].sort(
      (a, b) => area(b) - area(a),
    )[0] ?? null;
  if (!svg) throw new Error('The chart has not been drawn yet: nothing to export');
  return svg;
}

export function exportSvg(container: HTMLElement | null, fileName: string, note?: ChartAnnotation): void {
  const { text } = serializeSvg(chartSvg(container), note);
  download(new Blob([text], { type: 'image/svg+xml' }), `${fileName}.svg`);
}

export async function exportPng(
  container: HTMLElement | null,
  fileName: string,
  note?: ChartAnnotation,
  scale = 2,
): Promise<void> {
  const { text, width, height } = serializeSvg(chartSvg(container), note);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The browser could not rasterise the chart SVG'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available in this browser');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('The browser could not encode the PNG');
    download(blob, `${fileName}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** One CSV field, quoted when it holds a comma, quote or newline. */
export function csvCell(value: unknown): string {
  const s = String(value ?? '');
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV row per (series, point): long format, easy to pivot in pandas or a spreadsheet. */
export function toCsv(
  series: { label: string; points: { x: number; y: number }[] }[],
  xLabel: string,
): string {
  const lines = [`series,${xLabel},value`];
  for (const s of series) for (const p of s.points) lines.push(`${csvCell(s.label)},${p.x},${p.y}`);
  return `${lines.join('\n')}\n`;
}

export function exportCsv(csv: string, fileName: string): void {
  download(new Blob([csv], { type: 'text/csv' }), `${fileName}.csv`);
}
