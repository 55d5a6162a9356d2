import { getPrisma } from '@tunelab/db';
import { cookies } from 'next/headers';
import { notFound } from 'next/navigation';
import { SESSION_COOKIE, SIGN_IN_PATH } from '../../server/access.ts';
import { identify } from '../../server/identity.ts';
import { anotherReviewAction, makeDatasetAction, manualTextAction, reviewAction } from './actions.ts';
import { ChecksCell } from './components/checks-cell.tsx';
import { Notice } from './components/notice.tsx';
import { loadQueue } from './lib/review.ts';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
const f2 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));

/** /synth/review/<datasetId>: the review queue, agreement, disagreements and the dataset step. */
export async function ReviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const { id } = await params;
  const sp = await searchParams;
  const dataset = await getPrisma().dataset.findUnique({ where: { id } });
  if (!dataset) notFound();
  const who = await identify((await cookies()).get(SESSION_COOKIE)?.value);
  const reviewer = who.user;
  const blind = one(sp.blind) === '1';
  const queue = await loadQueue(id);
  const mine = queue.texts.filter(
    (t) =>
      t.status === 'pending' &&
      !t.reviews.some((r) => r.reviewerId === reviewer?.id) &&
      t.reviews.length < t.reviewsWanted,
  );
  const here = `/synth/review/${id}`;
  const byReviewer = new Map<string, number>();
  for (const t of queue.texts)
    for (const r of t.reviews) byReviewer.set(r.reviewer, (byReviewer.get(r.reviewer) ?? 0) + 1);
  return (
    <>
      <div className="page-head">
        <h1>Review queue · {dataset.name}</h1>
        <span className="spacer" />
        <a className="button" href={blind ? here : `${here}?blind=1`}>
          {blind ? 'Show target scores' : 'Blind to target'}
        </a>
      </div>
      <Notice ok={one(sp.ok)} error={one(sp.error)} />
      <div className="card">
        <div data-testid="reviewer">
          {reviewer ? (
            <>
              Reviewing as <strong data-testid="reviewer-name">{reviewer.name}</strong>{' '}
              <span className="muted small">
                {who.how === 'local'
                  ? '(the local user: this machine has no accounts; add them with `tunelab users add NAME`)'
                  : '(signed in)'}
              </span>{' '}
              <a href={`${SIGN_IN_PATH}?next=${encodeURIComponent(here)}`}>
                {who.how === 'local' ? 'sign in' : 'switch'}
              </a>
            </>
          ) : (
            <>
              <span data-testid="reviewer-none">{who.reason}</span>{' '}
              <a href={`${SIGN_IN_PATH}?next=${encodeURIComponent(here)}`}>sign in</a>
            </>
          )}{' '}
          <span className="muted small">
            · {queue.counts.pending} pending · {queue.counts.accepted} accepted · {queue.counts.rejected}{' '}
            rejected
          </span>
        </div>
      </div>

      <div className="card">
        <h2>To review{reviewer ? ` (${mine.length})` : ''}</h2>
        {!reviewer && <p className="muted">Sign in to review.</p>}
        {reviewer &&
          mine.map((t) => (
            <form key={t.id} action={reviewAction} className="review-item" data-testid="review-item">
              <input type="hidden" name="datasetId" value={id} />
              <input type="hidden" name="textId" value={t.id} />
              <input type="hidden" name="blind" value={String(blind)} />
              <input type="hidden" name="originalText" value={t.text} />
              <div className="muted small">
                {t.item ?? 'no item'} · {blind ? 'target hidden' : `target ${t.target}`} · {t.origin}
                {t.reviewsWanted > 1 ? ` · ${t.reviewsWanted} reviews wanted` : ''} ·{' '}
                <ChecksCell checks={t.checks} />
              </div>
              <textarea name="editedText" rows={3} defaultValue={t.text} style={{ width: '100%' }} />
              <label>
                Your score{' '}
                <input
                  name="score"
                  type="number"
                  step="any"
                  min={dataset.labelMin ?? undefined}
                  max={dataset.labelMax ?? undefined}
                />
              </label>{' '}
              <button type="submit" name="decision" value="accept" className="primary">
                Accept (edits kept)
              </button>{' '}
              <button type="submit" name="decision" value="reject">
                Reject
              </button>
            </form>
          ))}
      </div>

      <div className="card" data-testid="agreement">
        <h2>Agreement</h2>
        <p className="small" data-testid="reviewers">
          Reviewers:{' '}
          {byReviewer.size === 0
            ? 'none yet'
            : [...byReviewer].map(([name, n]) => `${name} (${n} ${n === 1 ? 'text' : 'texts'})`).join(', ')}
        </p>
        {queue.agreement.length === 0 ? (
          <p className="muted">Agreement appears once at least two texts are scored by the same pair.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>Pair</th>
                <th>Item</th>
                <th>Texts</th>
                <th>Quadratic-weighted κ (95% CI)</th>
                <th>ICC(2,1) (95% CI)</th>
              </tr>
            </thead>
            <tbody>
              {queue.agreement.map((r) => (
                <tr key={`${r.a}/${r.b}/${r.item}`}>
                  <td>
                    {r.b} vs {r.a}
                  </td>
                  <td>{r.item ?? 'all'}</td>
                  <td>{r.n}</td>
                  <td>
                    {f2(r.kappa.kappa)}{' '}
                    {r.kappa.ci ? `(${f2(r.kappa.ci.lower)} … ${f2(r.kappa.ci.upper)})` : ''}
                  </td>
                  <td>
                    {f2(r.icc.icc)} {r.icc.ci ? `(${f2(r.icc.ci.lower)} … ${f2(r.icc.ci.upper)})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <div className="card" data-testid="disagreements">
        <h2>Disagreements</h2>
        {queue.disagreements.length === 0 && <p className="muted">None.</p>}
        {queue.disagreements.map((t) => (
          <div key={t.id} className="review-item">
            <div>{t.text}</div>
            <div className="muted small">
              target {t.target} ·{' '}
              {t.reviews
                .map((r) => `${r.reviewer}: ${r.decision}${r.score !== null ? ` ${r.score}` : ''}`)
                .join(' · ')}
            </div>
            <form action={anotherReviewAction}>
              <input type="hidden" name="datasetId" value={id} />
              <input type="hidden" name="textId" value={t.id} />
              <button type="submit">Ask for a third look</button>
            </form>
          </div>
        ))}
      </div>

      <div className="grid two">
        <div className="card">
          <h2>Add a text by hand</h2>
          <form action={manualTextAction} className="form-grid">
            <input type="hidden" name="datasetId" value={id} />
            <label>
              Item <input name="item" />
            </label>
            <label>
              Score <input name="target" type="number" step="any" required />
            </label>
            <label>
              Text <textarea name="text" rows={3} required />
            </label>
            <label>
              <input type="checkbox" name="double" /> Double review
            </label>
            <button type="submit">Add to queue</button>
          </form>
        </div>
        <div className="card">
          <h2>Make a synthetic dataset</h2>
          <p className="muted small">
            The {queue.counts.accepted} accepted texts (edited versions where edited) become a dataset of
            source synthetic; every row records its connection, model, prompt, seed, reviewers, edits and the
            score used.
          </p>
          <form action={makeDatasetAction} className="form-grid" data-testid="make-dataset">
            <input type="hidden" name="datasetId" value={id} />
            <label>
              Name <input name="name" required defaultValue={`${dataset.name} synthetic`} />
            </label>
            <label>
              Score
              <select name="score" defaultValue="target">
                <option value="target">target score</option>
                <option value="consensus">reviewers' consensus (mean)</option>
              </select>
            </label>
            <button type="submit" className="primary">
              Create dataset
            </button>
          </form>
        </div>
      </div>
    </>
  );
}
