// Merge configs stored or launched from the dashboard name models by TuneLab model id, and only by
// id. This is the one place such a config's references become folders: after YAML parsing (so
// aliases resolve to their values first), each reference must be the id of a Model row, and its
// folder is that model's place in the artifact store. Nothing else is ever read, and a reference
// that is not a model id gets the same answer whatever it names (no existence oracle).
import {
  checkLabelSpaces,
  checkMergeable,
  listModelRefs,
  MERGE_METHODS,
  MergeConfigError,
  type MergeModelRef,
  type MergePlan,
  parseMergeConfig,
} from '@tunelab/core/merge';
import type { Prisma, PrismaClient } from './client.ts';

const MODEL_FIELDS = {
  id: true,
  name: true,
  artifactPath: true,
  config: true,
  task: true,
  numLabels: true,
  baseModelId: true,
} as const;

export type TMergeModel = Prisma.ModelGetPayload<{ select: typeof MODEL_FIELDS }>;

export interface TStoredMergeConfig {
  plan: MergePlan;
  /** The models the config names, by id. */
  models: Map<string, TMergeModel>;
}

/**
 * Parses a merge config whose models are model ids. `folderOf` gives a model's folder (the worker:
 * its absolute place in the store; the web, which reads no files, its artifact path). Errors name
 * models by name and the config as `where`.
 */
export async function parseStoredMergeConfig(
  prisma: PrismaClient,
  yaml: string,
  where: string,
  folderOf: (model: TMergeModel) => string,
): Promise<TStoredMergeConfig> {
  const refs = listModelRefs(yaml);
  const rows = await prisma.model.findMany({ where: { id: { in: refs } }, select: MODEL_FIELDS });
  const models = new Map(rows.map((m) => [m.id, m]));
  const plan = parseMergeConfig(yaml, where, {
    resolveModel: (ref, field): MergeModelRef => {
      const model = models.get(ref);
      if (!model) {
        throw new MergeConfigError(
          `${where}: ${field}: '${ref.length > 80 ? `${ref.slice(0, 80)}…` : ref}' is not a model id ` +
            '(configs name models by their TuneLab id)',
        );
      }
      return { ref, name: model.name, path: folderOf(model), written: model.id };
    },
  });
  return { plan, models };
}

/** The id of the base a model was fine-tuned (or merged) from, following lineage up to 16 steps. */
async function ancestors(prisma: PrismaClient, model: TMergeModel): Promise<Set<string>> {
  const seen = new Set<string>();
  let next = model.baseModelId;
  for (let step = 0; next && step < 16 && !seen.has(next); step++) {
    seen.add(next);
    const row = await prisma.model.findUnique({ where: { id: next }, select: { baseModelId: true } });
    next = row?.baseModelId ?? null;
  }
  return seen;
}

/**
 * What the dashboard checks before it queues a merge, from the rows alone (no file is read):
 * architecture fields of config.json (vocab_size, hidden_size, …) agree, task-vector methods merge
 * models fine-tuned from that base (lineage, where recorded), and the heads' label spaces agree
 * unless head_source picks one. The same rules (core's checkMergeable and checkLabelSpaces) run
 * again in the worker on the files. Throws a MergeConfigError naming the models by name.
 */
export async function checkStoredMergeable(
  prisma: PrismaClient,
  { plan, models }: TStoredMergeConfig,
  where: string,
): Promise<void> {
  const row = (ref: MergeModelRef) => models.get(ref.ref) as TMergeModel;
  const folder = (ref: MergeModelRef) => ({
    name: ref.name,
    dir: ref.path,
    config: (row(ref).config ?? {}) as Record<string, unknown>,
    tokenizer: new Map<string, Buffer>(),
  });
  const definition = MERGE_METHODS[plan.method];
  const base = definition.needsBaseModel ? plan.base : null;
  const merged = definition.pairWithBase ? plan.models.filter((m) => m.path !== base?.path) : plan.models;
  const all = [...(base ? [base] : []), ...merged];
  try {
    checkMergeable(folder(all[0] as MergeModelRef), all.slice(1).map(folder));
    const holders = [...(base && row(base).task ? [base] : []), ...merged.filter((m) => row(m).task)];
    checkLabelSpaces(holders.map(folder), plan.headSource?.name ?? null);
  } catch (error) {
    throw new MergeConfigError(`${where}: ${error instanceof Error ? error.message : error}`);
  }
  if (!base) return;
  for (const model of merged) {
    const lineage = row(model).baseModelId;
    if (!lineage || (await ancestors(prisma, row(model))).has(base.ref)) continue;
    const other = await prisma.model.findUnique({ where: { id: lineage }, select: { name: true } });
    throw new MergeConfigError(
      `${where}: '${model.name}' was fine-tuned from '${other?.name ?? lineage}', not from the base '${base.name}'; ` +
        'task vectors are only meaningful against the base a model was tuned from',
    );
  }
}
