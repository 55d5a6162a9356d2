// Accepted texts of a dataset's review queue become a synthetic dataset (origin synthetic, every
// row source synthetic), each row with its provenance: the connection and model, prompt, seed,
// reviewers and their decisions, edits, and the score used (the target, or the reviewers' mean:
// the user chooses). It is profiled like an upload and composes with real datasets like any other.
import { scoreUsed } from '@tunelab/core/synth';
import { createSyntheticDataset, getPrisma } from '@tunelab/db';
import { z } from 'zod';
import { HttpError } from '../../../common/server/http.ts';
import { enqueueProfileOrDiscard } from '../../datasets/lib/create-from-upload.ts';

export const ZMakeDataset = z
  .object({
    datasetId: z.string().min(1).max(64),
    name: z.string().trim().min(1, 'name is empty').max(200),
    score: z.enum(['target', 'consensus']).default('target'),
  })
  .strict();

export async function makeSyntheticDataset(input: unknown): Promise<{ id: string; rowCount: number }> {
  const spec = ZMakeDataset.parse(input);
  const prisma = getPrisma();
  const source = await prisma.dataset.findUnique({ where: { id: spec.datasetId } });
  if (!source) throw new HttpError(404, 'not_found', `Unknown dataset ${spec.datasetId}`);
  const texts = await prisma.synthText.findMany({
    where: { datasetId: spec.datasetId, status: 'accepted' },
    orderBy: [{ createdAt: 'asc' }, { position: 'asc' }],
    include: {
      reviews: { orderBy: { createdAt: 'asc' } },
      generation: { select: { runId: true, endpoint: true, spec: true } },
    },
  });
  if (texts.length === 0)
    throw new HttpError(400, 'invalid_request', `no accepted texts in the review queue of ${source.name}`);
  const rows = texts.map((t) => {
    const kept = t.reviews.filter((r) => r.decision !== 'reject');
    const edits = kept.filter((r) => r.decision === 'edit' && r.editedText);
    const final = edits.at(-1)?.editedText ?? t.text;
    const scores = kept.filter((r) => r.score !== null).map((r) => r.score as number);
    let label = scoreUsed(t.target, scores, spec.score);
    if (source.task === 'classification') label = Math.round(label);
    const endpoint = (t.generation?.endpoint ?? null) as {
      name?: string;
      baseUrl?: string;
      model?: string;
    } | null;
    return {
      text: final,
      label,
      split: 'train' as const,
      textId: t.id,
      provenance: {
        textId: t.id,
        origin: t.origin,
        enteredBy: t.enteredBy,
        runId: t.generation?.runId ?? null,
        connection: endpoint ? { name: endpoint.name, baseUrl: endpoint.baseUrl } : null,
        model: endpoint?.model ?? null,
        prompt: t.prompt,
        seed: t.seed,
        temperature: (t.generation?.spec as { temperature?: number } | null)?.temperature ?? null,
        fewShotRowIds: t.fewShotRowIds,
        item: t.item,
        target: t.target,
        scoreChoice: spec.score,
        scoreUsed: label,
        reviewers: t.reviews.map((r) => ({
          reviewer: r.reviewer,
          decision: r.decision,
          score: r.score,
          blind: r.blind,
        })),
        edits: edits.map((r) => ({ reviewer: r.reviewer, text: r.editedText })),
        originalText: t.text,
      },
    };
  });
  const created = await createSyntheticDataset(
    {
      name: spec.name,
      task: source.task,
      labelMin: source.labelMin,
      labelMax: source.labelMax,
      classes: (source.classes ?? undefined) as never,
      tolerance: source.tolerance,
    },
    rows,
  );
  await enqueueProfileOrDiscard(created.id);
  return created;
}
