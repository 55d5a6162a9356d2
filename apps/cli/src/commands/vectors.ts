import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { initBackend } from '@tunelab/core/backend';
import { analyzeActivations, analyzeTuningVectors, spreadSample } from '@tunelab/core/vectors';
import { type Command, InvalidArgumentError } from 'commander';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError(`expected a number in (0, 1], got ${value}`);
  return x;
}

function wholeNumber(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 0)
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${value}`);
  return x;
}

/** Non-empty lines of a text file, or a clear error naming it. */
async function readTexts(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InvalidArgumentError(`--texts: cannot read ${file}`);
  });
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** `tunelab vectors --base DIR --tuned DIR [--tuned DIR ...] --out FILE.json` (DESIGN.md contract). */
export function registerVectors(program: Command): void {
  program
    .command('vectors')
    .description(
      'tuning-vector analysis of fine-tuned models against their base (norms, spectra, effective rank, similarity, sign conflict, TIES interference, base-subspace share; per-layer CKA with --texts)',
    )
    .requiredOption('--base <dir>', 'base model folder (model.safetensors)')
    .requiredOption('--tuned <dir>', 'fine-tuned model folder; repeat for several', collect, [])
    .requiredOption('--out <file>', 'report JSON')
    .option('--threshold <x>', 'changed when |Δ| > x · RMS(θ_base) of the tensor', positiveNumber, 1e-3)
    .option('--energy <share>', 'energy share for the effective rank', positiveNumber, 0.9)
    .option('--no-spectra', 'skip singular values (much faster on large models)')
    .option(
      '--ties-density <x>',
      'density of the TIES merge whose interference is reported',
      positiveNumber,
      0.2,
    )
    .option('--no-ties', 'skip the TIES interference')
    .option('--top-k <k>', "k of the base weights' top singular subspace (0 skips)", wholeNumber, 8)
    .option('--texts <file>', 'run the models on these texts (one per line) for per-layer linear CKA')
    .option('--sample <n>', 'at most this many texts, spread over the file', wholeNumber, 64)
    .option('--max-length <n>', 'tokens per text for CKA', wholeNumber, 128)
    .option('--quiet', 'no progress on stderr')
    .action(
      async (options: {
        base: string;
        tuned: string[];
        out: string;
        threshold: number;
        energy: number;
        spectra: boolean;
        tiesDensity: number;
        ties: boolean;
        topK: number;
        texts?: string;
        sample: number;
        maxLength: number;
        quiet?: boolean;
      }) => {
        const started = performance.now();
        const texts = options.texts ? spreadSample(await readTexts(options.texts), options.sample) : null;
        const report = await analyzeTuningVectors(options.base, options.tuned, {
          threshold: options.threshold,
          energyShare: options.energy,
          spectra: options.spectra,
          tiesDensity: options.ties ? options.tiesDensity : null,
          topK: options.topK,
          onProgress: ({ done, total, tensor }) => {
            if (!options.quiet) process.stderr.write(`vectors: ${done}/${total} ${tensor}\n`);
          },
        });
        if (texts) {
          await initBackend(undefined, options.quiet ? () => {} : undefined);
          report.activations = await analyzeActivations(options.base, options.tuned, texts, {
            maxLength: options.maxLength,
            onProgress: ({ done, total }) => {
              if (!options.quiet) process.stderr.write(`vectors: CKA ${done}/${total} models\n`);
            },
          });
        }
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
          signConflict: report.overall.signConflict ?? null,
          tiesOverruled: report.overall.changes.map((c) => c.tiesOverruled ?? null),
          inBaseSubspace: report.overall.changes.map((c) => c.inBaseSubspace ?? null),
          // CKA of the last layer, base against each tuned model.
          cka: report.activations?.baseVsTuned.map((layers) => layers.at(-1) ?? null) ?? null,
          seconds: (performance.now() - started) / 1000,
        };
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      },
    );
}
