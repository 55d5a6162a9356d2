// Rename, archive and delete for every item a user makes: datasets, models, runs, sweeps, merges and
// analyses. One rule for dependents: an item's dependents are what was made from it or with it
// (runs on a dataset, runs and merges on a base model, models derived from a model, a sweep's runs,
// the model a run or merge produced, a cross-validation run's folds). Delete refuses while dependents exist, naming them, unless
// `cascade` is asked for; then the dependents go first, by the same rule. Artifacts (model folders,
// run folders, analysis reports) leave the store with their rows. A merge search's candidate runs are
// parts of the search, not dependents: they go with it, work folders included.
import { zName } from '@tunelab/core/text';
import { z } from 'zod';
import { getArtifactStore } from './artifacts.ts';
import { getPrisma, type PrismaClient } from './client.ts';

export const ZItemKind = z.enum(['dataset', 'model', 'run', 'sweep', 'merge', 'analysis']);
export type TItemKind = z.infer<typeof ZItemKind>;

export const ZItemName = zName(120);

export interface TItemRef {
  kind: TItemKind;
  id: string;
  name: string;
}

/** Delete was refused: `dependents` say what still uses the item. */
export class ItemInUse extends Error {
  constructor(
    readonly item: TItemRef,
    readonly dependents: TItemRef[],
  ) {
    const shown = dependents.slice(0, 5).map((d) => `${d.kind} "${d.name}"`);
    const more = dependents.length > 5 ? ` and ${dependents.length - 5} more` : '';
    super(
      `${item.kind} "${item.name}" is used by ${shown.join(', ')}${more}: delete those first, or delete with cascade`,
    );
    this.name = 'ItemInUse';
  }
}

export class ItemNotFound extends Error {
  constructor(kind: TItemKind, id: string) {
    super(`${kind} ${id} does not exist`);
    this.name = 'ItemNotFound';
  }
}

/** Queued or running work cannot be deleted under the worker's feet. */
export class ItemBusy extends Error {}

const ACTIVE = ['queued', 'running'] as const;

type Client = PrismaClient;

async function findItem(
  client: Client,
  kind: TItemKind,
  id: string,
): Promise<TItemRef & { status?: string }> {
  const found = await (async () => {
    switch (kind) {
      case 'dataset':
        return client.dataset.findUnique({ where: { id }, select: { id: true, name: true } });
      case 'model':
        return client.model.findUnique({ where: { id }, select: { id: true, name: true } });
      case 'run': {
        const run = await client.run.findUnique({
          where: { id },
          select: { id: true, name: true, kind: true, status: true },
        });
        return (
          run && { id: run.id, name: run.name ?? `${run.kind} run ${run.id.slice(-8)}`, status: run.status }
        );
      }
      case 'sweep': {
        // Sweep.status is not kept up to date: a sweep is busy while any of its runs is.
        const sweep = await client.sweep.findUnique({ where: { id }, select: { id: true, name: true } });
        if (!sweep) return null;
        const busy = await client.run.count({ where: { sweepId: id, status: { in: [...ACTIVE] } } });
        return { ...sweep, status: busy > 0 ? 'running' : 'finished' };
      }
      case 'merge': {
        const merge = await client.merge.findUnique({
          where: { id },
          select: { id: true, name: true, method: true, run: { select: { status: true } } },
        });
        return (
          merge && { id: merge.id, name: merge.name ?? `${merge.method} merge`, status: merge.run.status }
        );
      }
      case 'analysis': {
        const a = await client.analysis.findUnique({
          where: { id },
          select: { id: true, name: true, run: { select: { status: true } } },
        });
        return a && { id: a.id, name: a.name ?? `analysis ${a.id.slice(-8)}`, status: a.run.status };
      }
    }
  })();
  if (!found) throw new ItemNotFound(kind, id);
  return {
    kind,
    id: found.id,
    name: found.name,
    status: 'status' in found ? String(found.status) : undefined,
  };
}

const runRef = (r: { id: string; name: string | null; kind: string }): TItemRef => ({
  kind: 'run',
  id: r.id,
  name: r.name ?? `${r.kind} run ${r.id.slice(-8)}`,
});
const runSelect = { id: true, name: true, kind: true } as const;

/** What was made from or with the item (see the rule at the top of this file). */
export async function findDependents(
  kind: TItemKind,
  id: string,
  client: Client = getPrisma(),
): Promise<TItemRef[]> {
  switch (kind) {
    case 'dataset': {
      const [runs, sweeps] = await Promise.all([
        client.run.findMany({ where: { datasetId: id, sweepId: null }, select: runSelect }),
        client.sweep.findMany({ where: { datasetId: id }, select: { id: true, name: true } }),
      ]);
      return [...sweeps.map((s) => ({ kind: 'sweep' as const, ...s })), ...runs.map(runRef)];
    }
    case 'model': {
      const [runs, derived, merges, parentOf, sweeps] = await Promise.all([
        client.run.findMany({ where: { modelId: id, sweepId: null }, select: runSelect }),
        client.model.findMany({ where: { baseModelId: id }, select: { id: true, name: true } }),
        client.merge.findMany({ where: { baseModelId: id }, select: { id: true, name: true, method: true } }),
        client.mergeParent.findMany({
          where: { modelId: id },
          select: { merge: { select: { id: true, name: true, method: true } } },
        }),
        client.sweep.findMany({ where: { baseModelId: id }, select: { id: true, name: true } }),
      ]);
      const mergeRefs = new Map<string, TItemRef>();
      for (const m of [...merges, ...parentOf.map((p) => p.merge)]) {
        mergeRefs.set(m.id, { kind: 'merge', id: m.id, name: m.name ?? `${m.method} merge` });
      }
      return [
        ...derived.map((m) => ({ kind: 'model' as const, ...m })),
        ...sweeps.map((s) => ({ kind: 'sweep' as const, ...s })),
        ...runs.map(runRef),
        ...mergeRefs.values(),
      ];
    }
    case 'run': {
      const [model, folds] = await Promise.all([
        client.model.findUnique({ where: { parentRunId: id }, select: { id: true, name: true } }),
        client.run.findMany({ where: { parentRunId: id }, select: runSelect, orderBy: { createdAt: 'asc' } }),
      ]);
      return [...(model ? [{ kind: 'model' as const, ...model }] : []), ...folds.map(runRef)];
    }
    case 'sweep': {
      const runs = await client.run.findMany({ where: { sweepId: id }, select: runSelect });
      return runs.map(runRef);
    }
    case 'merge': {
      const model = await client.model.findUnique({
        where: { parentMergeId: id },
        select: { id: true, name: true },
      });
      return model ? [{ kind: 'model', ...model }] : [];
    }
    case 'analysis':
      return [];
  }
}

/**
 * Deletes an item. Without `cascade` it refuses (ItemInUse, nothing changed) while anything
 * depends on it; with `cascade` the dependents are deleted first. Queued or running items are
 * refused (cancel them first). Returns everything deleted, the item last.
 */
export async function deleteItem(
  kind: TItemKind,
  id: string,
  { cascade = false }: { cascade?: boolean } = {},
  client: Client = getPrisma(),
): Promise<TItemRef[]> {
  const item = await findItem(client, kind, id);
  if (item.status && (ACTIVE as readonly string[]).includes(item.status)) {
    throw new ItemBusy(`${kind} "${item.name}" is ${item.status}: cancel it before deleting it`);
  }
  if (kind === 'run') await refuseBusyCandidates(client, item);
  const dependents = await findDependents(kind, id, client);
  if (dependents.length > 0 && !cascade) throw new ItemInUse(item, dependents);
  const deleted: TItemRef[] = [];
  for (const d of dependents) {
    // A dependent may already be gone through an earlier one (a run's model under a dataset).
    if (await exists(client, d.kind, d.id))
      deleted.push(...(await deleteItem(d.kind, d.id, { cascade: true }, client)));
  }
  const artifacts = await removeRow(client, kind, id);
  const store = getArtifactStore();
  for (const path of artifacts) await store.remove(path);
  deleted.push({ kind, id, name: item.name });
  return deleted;
}

/** A search whose candidates still run is busy even when its own run has settled. */
async function refuseBusyCandidates(client: Client, item: TItemRef): Promise<void> {
  const busy = await client.searchCandidate.count({
    where: { search: { runId: item.id }, run: { status: { in: [...ACTIVE] } } },
  });
  if (busy > 0)
    throw new ItemBusy(
      `run "${item.name}" has ${busy} candidate run${busy === 1 ? '' : 's'} queued or running: cancel it before deleting it`,
    );
}

async function exists(client: Client, kind: TItemKind, id: string): Promise<boolean> {
  try {
    await findItem(client, kind, id);
    return true;
  } catch (e) {
    if (e instanceof ItemNotFound) return false;
    throw e;
  }
}

/** Deletes the row (rows below it cascade in the schema) and returns its artifact folders. */
async function removeRow(client: Client, kind: TItemKind, id: string): Promise<string[]> {
  const store = getArtifactStore();
  switch (kind) {
    case 'dataset':
      await client.dataset.delete({ where: { id } });
      return [store.datasetPath(id)];
    case 'model': {
      const model = await client.model.delete({ where: { id }, select: { artifactPath: true } });
      return [model.artifactPath];
    }
    case 'run': {
      const search = await client.mergeSearch.findUnique({
        where: { runId: id },
        select: { id: true, candidates: { select: { runId: true } } },
      });
      if (!search) {
        await client.run.delete({ where: { id } });
        return [store.runPath(id)];
      }
      // the search's candidate runs go with it (their SearchCandidate rows cascade)
      const candidateRuns = search.candidates.map((c) => c.runId);
      await client.$transaction([
        client.run.deleteMany({ where: { id: { in: candidateRuns } } }),
        client.run.delete({ where: { id } }),
      ]);
      return [store.runPath(id), ...candidateRuns.map((r) => store.runPath(r)), store.searchPath(search.id)];
    }
    case 'sweep':
      await client.sweep.delete({ where: { id } });
      return [];
    case 'merge': {
      // A merge is the detail row of its Run: deleting the run removes both.
      const merge = await client.merge.findUniqueOrThrow({ where: { id }, select: { runId: true } });
      await client.run.delete({ where: { id: merge.runId } });
      return [store.runPath(merge.runId)];
    }
    case 'analysis': {
      const a = await client.analysis.findUniqueOrThrow({
        where: { id },
        select: { runId: true, resultPath: true },
      });
      await client.run.delete({ where: { id: a.runId } });
      return [store.runPath(a.runId), ...(a.resultPath ? [a.resultPath] : [])];
    }
  }
}

/** Updates the fields every kind has (name, archivedAt) on one item. */
async function updateItem(
  client: Client,
  kind: TItemKind,
  id: string,
  data: { name?: string; archivedAt?: Date | null },
): Promise<void> {
  await findItem(client, kind, id);
  const where = { where: { id }, data };
  switch (kind) {
    case 'dataset':
      await client.dataset.update(where);
      return;
    case 'model':
      await client.model.update(where);
      return;
    case 'run':
      await client.run.update(where);
      return;
    case 'sweep':
      await client.sweep.update(where);
      return;
    case 'merge':
      await client.merge.update(where);
      return;
    case 'analysis':
      await client.analysis.update(where);
      return;
  }
}

/** Renames an item; the name is trimmed and must not be empty. */
export async function renameItem(
  kind: TItemKind,
  id: string,
  name: string,
  client: Client = getPrisma(),
): Promise<TItemRef> {
  const value = ZItemName.parse(name);
  await updateItem(client, kind, id, { name: value });
  return { kind, id, name: value };
}

/** Archives (hides from lists and pickers) or restores an item; nothing is deleted. */
export async function setArchived(
  kind: TItemKind,
  id: string,
  archived: boolean,
  client: Client = getPrisma(),
): Promise<void> {
  await updateItem(client, kind, id, { archivedAt: archived ? new Date() : null });
}
