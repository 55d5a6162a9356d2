import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { analyzeTuningVectors } from '@tunelab/core/vectors';
import { type Command, InvalidArgumentError } from 'commander';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError(`expected a number in (0, 1], got ${value}`);
  return x;
}

/** `tunelab vectors --base DIR --tuned DIR [--tuned DIR ...] --out FILE.json` (DESIGN.md contract). */
export function registerVectors(program: Command): void {
  program
    .command('vectors')
    .description(
      'tuning-vector analysis of fine-tuned models against their base (norms, spectra, effective rank, similarity)',
    )
    .requiredOption('--base <dir>', 'base model folder (model.safetensors)')
    .requiredOption('--tuned <dir>', 'fine-tuned model folder; repeat for several', collect, [])
    .requiredOption('--out <file>', 'report JSON')
    .option('--threshold <x>', 'changed when |Δ| > x · RMS(θ_base) of the tensor', positiveNumber, 1e-3)
    .option('--energy <share>', 'energy share for the effective rank', positiveNumber, 0.9)
    .option('--no-spectra', 'skip singular values (much faster on large models)')
    .option('--quiet', 'no progress on stderr')
    .action(
      async (options: {
        base: string;
        tuned: string[];
        out: string;
        threshold: number;
        energy: number;
        spectra: boolean;
        quiet?: boolean;
      }) => {
        const started = performance.now();
        const report = await analyzeTuningVectors(options.base, options.tuned, {
          threshold: options.threshold,
          energyShare: options.energy,
          spectra: options.spectra,
          onProgress: ({ done, total, tensor }) => {
            if (!options.quiet) process.stderr.write(`vectors: ${done}/${total} ${tensor}\n`);
          },
        });
        await mkdir(dirname(options.out), { recursive: true });
        await writeFile(options.out, `${JSON.stringify(report)}\n`);
        const summary = {
          out: options.out,
          tensors: report.tensors.length,
          // Tensors only one side holds (a masked-LM base's head dropped, a classifier added).
          added: new Set(report.unshared.filter((u) => u.side === 'added').map((u) => u.tensor)).size,
          dropped: new Set(report.unshared.filter((u) => u.side === 'dropped').map((u) => u.tensor)).size,
          relative: report.overall.changes.map((c) => c.relative),
          similarity: report.overall.similarity ?? null,
          seconds: (performance.now() - started) / 1000,
        };
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      },
    );
}
