// The review queue of one dataset: reviewers (signed-in people: src/server/identity.ts) accept, edit
// or reject texts and give their own score; one decision per person per text;
// hand-entered texts join the queue; double review on request. A text settles when it has the
// reviews it wants: accepted when accepts outnumber rejects, rejected when rejects do; a tie stays
// pending and is listed with score disagreements (spread above the dataset's tolerance).
import {
  agreementTable,
  disagrees,
  type TAgreementRow,
  TARGET_RATER,
  type TScore,
} from '@tunelab/core/synth';
import { getPrisma, type TUser } from '@tunelab/db';
import { z } from 'zod';
import { HttpError } from '../../../common/server/http.ts';

export const ZReview = z
  .object({
    textId: z.string().min(1).max(64),
    decision: z.enum(['accept', 'edit', 'reject']),
    score: z.number().finite().nullable().default(null),
    editedText: z.string().trim().max(20_000).nullable().default(null),
    blind: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.decision !== 'reject' && r.score === null)
      ctx.addIssue({ code: 'custom', path: ['score'], message: 'give the score you would assign' });
    if (r.decision === 'edit' && !r.editedText)
      ctx.addIssue({ code: 'custom', path: ['editedText'], message: 'an edit needs the edited text' });
  });

async function datasetOf(datasetId: string) {
  const dataset = await getPrisma().dataset.findUnique({ where: { id: datasetId } });
  if (!dataset) throw new HttpError(404, 'not_found', `Unknown dataset ${datasetId}`);
  return dataset;
}

function checkScore(score: number | null, dataset: { labelMin: number | null; labelMax: number | null }) {
  if (score === null) return;
  if (
    dataset.labelMin !== null &&
    dataset.labelMax !== null &&
    (score < dataset.labelMin || score > dataset.labelMax)
  )
    throw new HttpError(
      400,
      'invalid_request',
      `score ${score} is outside the scale ${dataset.labelMin}..${dataset.labelMax}`,
    );
}

/** Re-derives a text's status from its reviews. */
async function settle(textId: string): Promise<void> {
  const prisma = getPrisma();
  const text = await prisma.synthText.findUniqueOrThrow({
    where: { id: textId },
    include: { reviews: true },
  });
  let status: 'pending' | 'accepted' | 'rejected' = 'pending';
  if (text.reviews.length >= text.reviewsWanted) {
    const rejects = text.reviews.filter((r) => r.decision === 'reject').length;
    const accepts = text.reviews.length - rejects;
    if (accepts > rejects) status = 'accepted';
    else if (rejects > accepts) status = 'rejected';
  }
  await prisma.synthText.update({ where: { id: textId }, data: { status } });
}

/**
 * Records (or replaces) `user`'s decision on a text. The name comes from `user` (the session), not
 * from `input`; a second decision by the same person replaces their first, so double review always
 * takes two different people.
 */
export async function submitReview(user: TUser, input: unknown): Promise<void> {
  const review = ZReview.parse(input);
  const prisma = getPrisma();
  const text = await prisma.synthText.findUnique({ where: { id: review.textId } });
  if (!text) throw new HttpError(404, 'not_found', `Unknown text ${review.textId}`);
  if (text.datasetId) checkScore(review.score, await datasetOf(text.datasetId));
  const data = {
    decision: review.decision,
    score: review.score,
    editedText: review.decision === 'edit' ? review.editedText : null,
    blind: review.blind,
  };
  await prisma.synthReview.upsert({
    where: { textId_reviewerId: { textId: text.id, reviewerId: user.id } },
    create: { textId: text.id, reviewerId: user.id, reviewer: user.name, ...data },
    update: { ...data, reviewer: user.name },
  });
  await settle(text.id);
}

/** Asks for one more review of a text (double review, or a third look at a disagreement). */
export async function requestAnotherReview(textId: string): Promise<void> {
  const prisma = getPrisma();
  const text = await prisma.synthText.findUnique({
    where: { id: textId },
    include: { _count: { select: { reviews: true } } },
  });
  if (!text) throw new HttpError(404, 'not_found', `Unknown text ${textId}`);
  await prisma.synthText.update({
    where: { id: textId },
    data: { reviewsWanted: Math.min(5, Math.max(text.reviewsWanted, text._count.reviews) + 1) },
  });
  await settle(textId);
}

export const ZManualText = z
  .object({
    datasetId: z.string().min(1).max(64),
    item: z.string().trim().max(100).nullable().default(null),
    target: z.number().finite(),
    text: z.string().trim().min(1, 'the text is empty').max(20_000),
    reviewsWanted: z.number().int().min(1).max(5).default(1),
  })
  .strict();

/** A text written by hand; its author's score is its target. */
export async function addManualText(user: TUser, input: unknown): Promise<string> {
  const t = ZManualText.parse(input);
  checkScore(t.target, await datasetOf(t.datasetId));
  const row = await getPrisma().synthText.create({
    data: { ...t, item: t.item || null, origin: 'manual', enteredBy: user.name },
  });
  return row.id;
}

export interface TQueueText {
  id: string;
  item: string | null;
  target: number;
  text: string;
  status: string;
  origin: string;
  reviewsWanted: number;
  checks: unknown;
  runId: string | null;
  reviews: {
    reviewerId: string;
    reviewer: string;
    decision: string;
    score: number | null;
    editedText: string | null;
    blind: boolean;
  }[];
}

export interface TQueueView {
  texts: TQueueText[];
  counts: { pending: number; accepted: number; rejected: number };
  /** Texts whose reviewers split on the decision or whose scores spread beyond the tolerance. */
  disagreements: TQueueText[];
  agreement: TAgreementRow[];
}

/** Everything the review page shows for a dataset. */
export async function loadQueue(datasetId: string): Promise<TQueueView> {
  const dataset = await datasetOf(datasetId);
  const texts = await getPrisma().synthText.findMany({
    where: { datasetId },
    orderBy: [{ createdAt: 'asc' }, { position: 'asc' }],
    include: { reviews: { orderBy: { createdAt: 'asc' } }, generation: { select: { runId: true } } },
  });
  const view: TQueueText[] = texts.map((t) => ({
    id: t.id,
    item: t.item,
    target: t.target,
    text: t.text,
    status: t.status,
    origin: t.origin,
    reviewsWanted: t.reviewsWanted,
    checks: t.checks,
    runId: t.generation?.runId ?? null,
    reviews: t.reviews.map((r) => ({
      reviewerId: r.reviewerId,
      reviewer: r.reviewer,
      decision: r.decision,
      score: r.score,
      editedText: r.editedText,
      blind: r.blind,
    })),
  }));
  const scores: TScore[] = [];
  for (const t of view) {
    const reviewed = t.reviews.filter((r) => r.score !== null && r.decision !== 'reject');
    if (reviewed.length === 0) continue;
    scores.push({ textId: t.id, item: t.item, rater: TARGET_RATER, score: t.target });
    for (const r of reviewed)
      scores.push({ textId: t.id, item: t.item, rater: r.reviewer, score: r.score as number });
  }
  const disagreements = view.filter((t) => {
    if (t.reviews.length < 2) return false;
    const rejects = t.reviews.filter((r) => r.decision === 'reject').length;
    const split = rejects > 0 && rejects < t.reviews.length;
    const scored = t.reviews.filter((r) => r.score !== null).map((r) => r.score as number);
    return split || disagrees(scored, dataset.tolerance);
  });
  return {
    texts: view,
    counts: {
      pending: view.filter((t) => t.status === 'pending').length,
      accepted: view.filter((t) => t.status === 'accepted').length,
      rejected: view.filter((t) => t.status === 'rejected').length,
    },
    disagreements,
    agreement: agreementTable(scores),
  };
}
