// Benchmark harness: `npm run bench [-- NAME …]`. Every module in bench/ (other than this file)
// that exports `run()` (and `name`, directly or as its default export) is a benchmark. `run()`
// returns one result object or a list of them (each with at least `name`); results are merged by
// name into bench/results/latest.json (other entries are kept) and printed as a short table.
// NAME selects benchmarks by file name ("train") or by benchmark name prefix ("merge-ties").
// Modules exporting `manual = true` (long ones, like afinn) run only when named.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type BenchResult = { name: string } & Record<string, number | string | boolean | null>;
export interface Benchmark {
  name: string;
  run: () => Promise<BenchResult | BenchResult[] | Record<string, unknown>>;
  /** Only run when named on the command line (long benchmarks). */
  manual?: boolean;
}

const HERE = new URL('.', import.meta.url).pathname;
const LATEST = join(HERE, 'results', 'latest.json');

async function discover(): Promise<{ file: string; bench: Benchmark }[]> {
  const files = readdirSync(HERE)
    .filter(
      (f) =>
        f.endsWith('.ts') &&
        f !== 'run.ts' &&
        !f.startsWith('_') &&
        !f.endsWith('.test.ts') &&
        !f.endsWith('.d.ts'),
    )
    .sort();
  const out: { file: string; bench: Benchmark }[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(HERE, f)).href)) as Partial<Benchmark> & {
      default?: Partial<Benchmark>;
    };
    const candidate = mod.default && typeof mod.default.run === 'function' ? mod.default : mod;
    if (typeof candidate.run === 'function') {
      out.push({
        file: basename(f, '.ts'),
        bench: {
          name: candidate.name ?? basename(f, '.ts'),
          run: candidate.run,
          manual: candidate.manual === true,
        },
      });
    }
  }
  return out;
}

function readLatest(): BenchResult[] {
  try {
    const parsed = JSON.parse(readFileSync(LATEST, 'utf8'));
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function table(rows: BenchResult[]): string {
  const skip = new Set(['name', 'backend', 'cores']);
  return rows
    .map((r) => {
      const figures = Object.entries(r)
        .filter(([k]) => !skip.has(k))
        .slice(0, 8)
        .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
        .join('  ');
      return `${r.name.padEnd(22)} ${String(r.backend ?? '').padEnd(8)} ${figures}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  const all = await discover();
  const selected =
    wanted.length === 0
      ? all.filter((b) => !b.bench.manual)
      : all.filter((b) => wanted.some((w) => b.file === w || b.bench.name.startsWith(w)));
  if (selected.length === 0) {
    throw new Error(
      `no benchmark matches ${wanted.join(', ')}; available: ${all.map((b) => b.file).join(', ')}`,
    );
  }
  const fresh: BenchResult[] = [];
  for (const { bench } of selected) {
    process.stderr.write(`bench: running ${bench.name}\n`);
    const result = await bench.run();
    const list = (Array.isArray(result) ? result : [result]) as Record<string, unknown>[];
    for (const r of list) {
      fresh.push({
        cores: availableParallelism(),
        ...(r as BenchResult),
        name: String(r.name ?? bench.name),
      });
    }
  }
  const merged = readLatest().filter((r) => !fresh.some((f) => f.name === r.name));
  merged.push(...fresh);
  mkdirSync(join(HERE, 'results'), { recursive: true });
  writeFileSync(LATEST, `${JSON.stringify(merged, null, 2)}\n`);
  process.stdout.write(`${table(fresh)}\n(written to bench/results/latest.json)\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
