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

function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  // a white background so the exported image reads the same outside the page
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  clone.setAttribute('font-family', 'system-ui, sans-serif');
  return new XMLSerializer().serializeToString(clone);
}

export function exportSvg(container: HTMLElement | null, fileName: string): void {
  const svg = container?.querySelector('svg.recharts-surface') as SVGSVGElement | null;
  if (!svg) throw new Error('The chart has not been drawn yet: nothing to export');
  download(new Blob([serializeSvg(svg)], { type: 'image/svg+xml' }), `${fileName}.svg`);
}

export async function exportPng(container: HTMLElement | null, fileName: string, scale = 2): Promise<void> {
  const svg = container?.querySelector('svg.recharts-surface') as SVGSVGElement | null;
  if (!svg) throw new Error('The chart has not been drawn yet: nothing to export');
  const { width, height } = svg.getBoundingClientRect();
  const img = new Image();
  const url = URL.createObjectURL(new Blob([serializeSvg(svg)], { type: 'image/svg+xml' }));
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

/** One CSV row per (series, point): long format, easy to pivot in pandas or a spreadsheet. */
export function toCsv(
  series: { label: string; points: { x: number; y: number }[] }[],
  xLabel: string,
): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = [`series,${xLabel},value`];
  for (const s of series) for (const p of s.points) lines.push(`${quote(s.label)},${p.x},${p.y}`);
  return `${lines.join('\n')}\n`;
}

export function exportCsv(csv: string, fileName: string): void {
  download(new Blob([csv], { type: 'text/csv' }), `${fileName}.csv`);
}
