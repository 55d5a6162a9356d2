import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '@tunelab/core/backend';
import { TRAIN_PARAM_DEFAULTS } from '@tunelab/core/dashboard';
import {
  parseSearchSpec,
  recipeYaml,
  runRecipeSearch,
  SEARCHABLE_METHODS,
  SearchConfigError,
  type SearchResult,
  subsampleRows,
  type TSearchSpec,
} from '@tunelab/core/merge-search';
import { inProcessEvaluator, type SearchDomain } from '@tunelab/core/merge-search/node';
import { loadModel, modelItemSpecs, readLabelledFile } from '@tunelab/core/train';
import type { Command } from 'commander';

/**
 * Each model's domain from its `dataset:` file (the whole file is the eval set), with the task,
 * classes and label range of the model's own head; a multi-item model's file has a label column
 * per item (wide), scored per item.
 */
export async function loadSearchDomains(spec: TSearchSpec, specFile: string): Promise<SearchDomain[]> {
  const folder = path.dirname(path.resolve(specFile));
  const domains: SearchDomain[] = [];
  for (const [i, entry] of spec.models.entries()) {
    if (!entry.dataset)
      throw new SearchConfigError(
        `${specFile}: models.${i}.dataset: the CLI needs each model's eval data file`,
      );
    const { model } = await loadModel(path.resolve(folder, entry.model));
    const task = model.head === 'regression' ? 'regression' : 'classification';
    const named =
      model.labelNames && !model.labelNames.every((l, k) => l === `LABEL_${k}`)
        ? model.labelNames
        : undefined;
    const numClasses = task === 'classification' ? model.numLabels : undefined;
    const labelRange = entry.dataset.label_range ?? model.labelRange ?? null;
    // Multi-item model: the file has one label column per item (label_column "a,b,c", wide), and
    // the domain is scored per item, its figure the mean over items.
    const items = task === 'regression' ? modelItemSpecs(model, { task, labelRange }) : null;
    model.dispose();
    const { examples } = await readLabelledFile(path.resolve(folder, entry.dataset.path), {
      textColumn: entry.dataset.text_column,
      labelColumn: entry.dataset.label_column,
      task,
      classes: named,
    });
    const rows = examples.map((e) => ({
      text: e.text,
      label: e.label,
      ...(e.labels ? { labels: e.labels } : {}),
    }));
    if (items && rows.some((r) => r.labels?.length !== items.length))
      throw new SearchConfigError(
        `${specFile}: models.${i}.dataset: ${entry.model} scores ${items.length} items (${items.map((t) => t.name).join(', ')}): give label_column with ${items.length} columns`,
      );
    domains.push({
      name: path.basename(entry.dataset.path),
      task,
      rows,
      subsample: subsampleRows(rows, spec.subsample, spec.seed + i),
      trainLabels: rows.map((r) => r.label),
      labelRange,
      tolerance: entry.dataset.tolerance ?? TRAIN_PARAM_DEFAULTS.tolerance,
      maxLength: entry.dataset.max_length ?? TRAIN_PARAM_DEFAULTS.maxLength,
      numClasses,
      ...(items ? { items, trainItemRows: rows } : {}),
    });
  }
  return domains;
}

/** The mergekit YAML of a recipe with model paths relative to `outDir` (so `tunelab merge` runs it there). */
export function bestYaml(
  config: SearchResult['candidates'][number]['recipe']['config'],
  specFile: string,
  outDir: string,
) {
  const folder = path.dirname(path.resolve(specFile));
  return recipeYaml(config, (ref) => path.relative(path.resolve(outDir), path.resolve(folder, ref)) || '.');
}

/** Runs a search in this process; writes search.json and best.yml into outDir. */
export async function runMergeSearch(
  specFile: string,
  outDir: string,
  log: (line: string) => void = () => undefined,
): Promise<SearchResult> {
  const text = await readFile(specFile, 'utf8').catch(() => {
    throw new SearchConfigError(`cannot read search config ${specFile}`);
  });
  const spec = parseSearchSpec(text, specFile);
  await initBackend();
  const domains = await loadSearchDomains(spec, specFile);
  const baseConfig = JSON.parse(
    await readFile(path.join(path.resolve(path.dirname(specFile), spec.base_model), 'config.json'), 'utf8'),
  ) as { num_hidden_layers?: number };
  const workDir = path.join(outDir, 'candidates');
  await mkdir(outDir, { recursive: true });
  try {
    const result = await runRecipeSearch(
      spec,
      baseConfig.num_hidden_layers ?? 1,
      inProcessEvaluator({ spec, domains, specFile, workDir }),
      {
        onProgress: ({ candidates, budget }) => {
          const best = Math.max(...candidates.map((c) => c.fitness));
          log(`merge-search: ${candidates.length}/${budget} evaluations, best objective ${best.toFixed(4)}`);
        },
      },
    );
    await writeFile(path.join(outDir, 'search.json'), `${JSON.stringify(result, null, 2)}\n`);
    const best = result.candidates[result.best];
    if (best) await writeFile(path.join(outDir, 'best.yml'), bestYaml(best.recipe.config, specFile, outDir));
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** `tunelab merge-search --config SEARCH.yml --out DIR`: recipe search in this process (README, Recipe search). */
export function registerMergeSearch(program: Command): void {
  program
    .command('merge-search')
    .description(
      `search merge recipes (${SEARCHABLE_METHODS.join(', ')}) that maximise the worst (or mean) normalised domain score`,
    )
    .requiredOption('--config <file>', 'SEARCH.yml; model and dataset paths are relative to it')
    .requiredOption('--out <dir>', 'output folder (search.json, best.yml)')
    .option('--quiet', 'no progress on stderr')
    .action(async (options: { config: string; out: string; quiet?: boolean }) => {
      const result = await runMergeSearch(options.config, options.out, (line) => {
        if (!options.quiet) process.stderr.write(`${line}\n`);
      });
      const best = result.candidates[result.best];
      process.stdout.write(
        `${JSON.stringify({
          evaluations: result.evaluations,
          best: best && {
            index: best.index,
            method: best.recipe.method,
            objective: { subsample: best.fitness, full: best.full?.fitness },
            domains: result.domains.map((d, i) => ({
              name: d.name,
              metric: d.metric,
              subsample: best.scores[i],
              full: best.full?.scores[i],
            })),
          },
          pareto: result.pareto.length,
          files: ['search.json', 'best.yml'],
        })}\n`,
      );
    });
}
