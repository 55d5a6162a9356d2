// In-process scoring for recipe search: a model folder or a merge plan scored on every domain with
// scoreModel (the one scorer) and runMerge (the one merge runner). Used by `tunelab merge-search`
// and the worker's search.candidate job.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { TTask } from '../../datasets/schemas.ts';
import { type MergePlan, parseMergeConfig } from '../../merge/config.ts';
import { runMerge } from '../../merge/run-merge.ts';
import { itemsMismatch, scoreItemsReference, scoreReference } from '../../metrics/score.ts';
import { loadModel } from '../../train/hf.ts';
import { type ItemRow, itemLabelsOf } from '../../train/items.ts';
import { type ScoreModelOptions, scoreModel, type TScoreRow } from '../../train/score.ts';
import type { TItemSpec } from '../../train/types.ts';
import { domainMetric } from '../objective.ts';
import type { DomainScores, EvaluationMode, SearchEvaluator, SearchPhase } from '../search.ts';
import type { TSearchSpec } from '../spec.ts';

export interface SearchDomain {
  name: string;
  task: TTask;
  /** The full eval set. */
  rows: TScoreRow[];
  /** The fixed subsample candidates are scored on. */
  subsample: TScoreRow[];
  /** Train labels, for the reference predictor (mean / majority). */
  trainLabels: number[];
  /** Regression: the range predictions are clamped to (default: the model's stored range). */
  labelRange?: readonly [number, number] | null;
  tolerance?: number;
  maxLength?: number;
  /** Classification: the number of classes. */
  numClasses?: number;
  /**
   * Multi-item scales: the items (names, ranges) in output order. Rows then carry `labels` or
   * `item`, a model must have one output per item (`itemsMismatch`), and its figure is the mean
   * over items.
   */
  items?: TItemSpec[];
  /** Multi-item scales: the train rows' labels (wide) or items (long), for the per-item mean reference. */
  trainItemRows?: ItemRow[];
}

/** The scoring options of a domain (the same for every model scored on it). */
export function domainScoring(domain: Omit<SearchDomain, 'subsample'>): ScoreModelOptions {
  return {
    task: domain.task,
    labelRange: domain.labelRange ?? undefined,
    tolerance: domain.tolerance,
    maxLength: domain.maxLength,
    numClasses: domain.numClasses,
    ...(domain.items ? { items: domain.items } : {}),
  };
}

/** Whether a loaded model's head can score a domain: same task, classes and items. */
export function fitsDomain(
  model: { head: string; numLabels: number; itemNames: readonly string[] | null },
  domain: Pick<SearchDomain, 'task' | 'numClasses' | 'items'>,
): boolean {
  if (model.head !== domain.task) return false;
  if (domain.task === 'classification')
    return domain.numClasses === undefined || model.numLabels === domain.numClasses;
  return itemsMismatch(model, domain.items) === null;
}

export interface ScoreOptions {
  /** A domain this model's head cannot score gets the reference predictor's score (for the base). */
  referenceWhenHeadless?: boolean;
}

/** The domain's figure (MAE or accuracy) for each domain; null where the model cannot be scored. */
export async function scoreFolderOnDomains(
  dir: string,
  domains: readonly SearchDomain[],
  mode: EvaluationMode,
  options: ScoreOptions = {},
): Promise<DomainScores> {
  let loaded: Awaited<ReturnType<typeof loadModel>> | null = null;
  try {
    loaded = await loadModel(dir);
  } catch {
    loaded = null; // no classification or regression head (a masked-LM base)
  }
  try {
    return domains.map((domain) => {
      const rows = mode === 'full' ? domain.rows : domain.subsample;
      const { metric } = domainMetric(domain.task);
      const fits = loaded !== null && fitsDomain(loaded.model, domain);
      if (!fits || !loaded) {
        if (!options.referenceWhenHeadless) return null;
        const space =
          domain.task === 'regression'
            ? {
                task: 'regression' as const,
                labelRange: domain.labelRange ?? null,
                tolerance: domain.tolerance ?? 1,
              }
            : {
                task: 'classification' as const,
                numClasses: domain.numClasses ?? 1 + Math.max(0, ...domain.trainLabels),
              };
        const reference =
          domain.items && domain.trainItemRows && space.task === 'regression'
            ? scoreItemsReference(
                domain.trainItemRows.map((r, i) =>
                  itemLabelsOf(r, domain.items?.length ?? 0, `${domain.name} train row ${i + 1}`),
                ),
                rows.map((r, i) => ({
                  labels: itemLabelsOf(r, domain.items?.length ?? 0, `${domain.name} row ${i + 1}`),
                  source: r.source,
                })),
                (domain.items ?? []).map((item) => ({
                  name: item.name,
                  space: { ...space, labelRange: item.labelRange ?? space.labelRange },
                })),
              )
            : scoreReference(domain.trainLabels, rows, space);
        const value = reference.scores.metrics[metric];
        return typeof value === 'number' ? value : null;
      }
      const { metrics } = scoreModel(loaded.model, loaded.tokenizer, rows, domainScoring(domain));
      const value = metrics[metric];
      return typeof value === 'number' ? value : null;
    });
  } finally {
    loaded?.model.dispose();
  }
}

/** Merges `plan` into `workDir` (removed afterwards, whatever happens) and scores the result. */
export async function scoreMergeOnDomains(
  plan: MergePlan,
  workDir: string,
  domains: readonly SearchDomain[],
  mode: EvaluationMode,
  options: { throwIfCancelled?: () => Promise<void>; onProgress?: (fraction: number) => void } = {},
): Promise<DomainScores> {
  await mkdir(workDir, { recursive: true });
  try {
    await runMerge(plan, workDir, {
      throwIfCancelled: options.throwIfCancelled,
      onProgress: ({ done, total }) => options.onProgress?.(done / total),
    });
    return await scoreFolderOnDomains(workDir, domains, mode);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export interface InProcessEvaluatorOptions {
  spec: TSearchSpec;
  domains: SearchDomain[];
  /** The search config file: model references are folders relative to it. */
  specFile: string;
  /** Scratch folder for candidate merges (each removed once scored). */
  workDir: string;
  throwIfCancelled?: () => Promise<void>;
  onScored?: (phase: SearchPhase, done: number) => void;
}

/** Scores every request here, one after another: `tunelab merge-search` and the tests. */
export function inProcessEvaluator(options: InProcessEvaluatorOptions): SearchEvaluator {
  const { spec, domains, specFile, workDir } = options;
  const folder = path.dirname(path.resolve(specFile));
  let counter = 0;
  return {
    domains: domains.map((d) => ({ name: d.name, metric: domainMetric(d.task).metric })),
    async score(requests, mode, phase) {
      const out: DomainScores[] = [];
      for (const request of requests) {
        await options.throwIfCancelled?.();
        if (request.kind === 'model') {
          out.push(
            await scoreFolderOnDomains(path.resolve(folder, request.model), domains, mode, {
              referenceWhenHeadless: request.model === spec.base_model,
            }),
          );
        } else {
          const plan = parseMergeConfig(stringify(request.config), specFile);
          out.push(
            await scoreMergeOnDomains(plan, path.join(workDir, `candidate-${counter++}`), domains, mode, {
              throwIfCancelled: options.throwIfCancelled,
            }),
          );
        }
        options.onScored?.(phase, out.length);
      }
      return out;
    },
  };
}
