'use server';
// Form actions of the synthetic-data pages: each parses its FormData, calls the feature's server
// lib, and redirects back with ?error=… (or ?ok=…) so the page says what happened.
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { actionError } from '../../common/server/http.ts';
import { SESSION_COOKIE } from '../../server/access.ts';
import { requireUser } from '../../server/identity.ts';
import { archiveConnection, saveConnection, testConnection } from './lib/connections.ts';
import { parsePlanText, parseScaleText } from './lib/forms.ts';
import { launchGeneration } from './lib/launch-generation.ts';
import { makeSyntheticDataset } from './lib/make-dataset.ts';
import { addManualText, requestAnotherReview, submitReview } from './lib/review.ts';

const str = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};
const num = (form: FormData, name: string) =>
  str(form, name).trim() === '' ? null : Number(str(form, name));
const back = (path: string, params: Record<string, string | undefined>) => {
  const url = new URL(path, 'http://x');
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
};

async function attempt(
  path: string,
  work: () => Promise<Record<string, string | undefined> | string | undefined>,
) {
  let target: string;
  try {
    const result = await work();
    target = typeof result === 'string' ? result : back(path, result ?? {});
  } catch (error) {
    target = back(path, { error: actionError(error).error });
  }
  redirect(target);
}

export async function saveConnectionAction(form: FormData) {
  await attempt('/synth', async () => {
    await saveConnection(
      {
        name: str(form, 'name'),
        baseUrl: str(form, 'baseUrl'),
        model: str(form, 'model'),
        apiKey: str(form, 'apiKey') || undefined,
        allowRealRows: form.get('allowRealRows') === 'on',
      },
      str(form, 'id') || undefined,
    );
    return { ok: 'connection saved' };
  });
}

export async function testConnectionAction(form: FormData) {
  await attempt('/synth', async () => {
    const r = await testConnection(str(form, 'id'));
    return r.ok
      ? {
          ok: `${r.model} answered in ${r.ms} ms: "${r.reply}"${r.loopback ? ' (on this machine)' : ' (outside this machine)'}`,
        }
      : { error: `test failed: ${r.error}` };
  });
}

export async function archiveConnectionAction(form: FormData) {
  await attempt('/synth', async () => {
    await archiveConnection(str(form, 'id'));
    return { ok: 'connection removed' };
  });
}

export async function launchGenerationAction(form: FormData) {
  const datasetId = str(form, 'datasetId');
  await attempt(`/synth?dataset=${encodeURIComponent(datasetId)}`, async () => {
    const runId = await launchGeneration({
      datasetId,
      connectionId: str(form, 'connectionId'),
      name: str(form, 'name') || undefined,
      spec: {
        plan: parsePlanText(str(form, 'plan')),
        template: str(form, 'template'),
        ...(str(form, 'system').trim() ? { system: str(form, 'system') } : {}),
        scale: parseScaleText(str(form, 'scale')),
        fewShot: num(form, 'fewShot') ?? 0,
        temperature: num(form, 'temperature') ?? 0.9,
        seed: num(form, 'seed') ?? 1,
        maxTokens: num(form, 'maxTokens') ?? 400,
        reviews: form.get('double') === 'on' ? 2 : 1,
      },
    });
    return `/synth/runs/${runId}`;
  });
}

/** The signed-in person (or the loopback local user): names come from the session, never the form. */
async function reviewer() {
  return requireUser((await cookies()).get(SESSION_COOKIE)?.value);
}

export async function reviewAction(form: FormData) {
  const datasetId = str(form, 'datasetId');
  const path = `/synth/review/${datasetId}${form.get('blind') === 'true' ? '?blind=1' : ''}`;
  await attempt(path, async () => {
    const decision = str(form, 'decision');
    const edited = str(form, 'editedText').trim();
    const original = str(form, 'originalText').trim();
    await submitReview(await reviewer(), {
      textId: str(form, 'textId'),
      // An accept with a changed text is an edit.
      decision: decision === 'accept' && edited && edited !== original ? 'edit' : decision,
      score: num(form, 'score'),
      editedText: edited && edited !== original ? edited : null,
      blind: form.get('blind') === 'true',
    });
    return form.get('blind') === 'true' ? { blind: '1' } : {};
  });
}

export async function anotherReviewAction(form: FormData) {
  const datasetId = str(form, 'datasetId');
  await attempt(`/synth/review/${datasetId}`, async () => {
    await requestAnotherReview(str(form, 'textId'));
    return { ok: 'another review requested' };
  });
}

export async function manualTextAction(form: FormData) {
  const datasetId = str(form, 'datasetId');
  await attempt(`/synth/review/${datasetId}`, async () => {
    await addManualText(await reviewer(), {
      datasetId,
      item: str(form, 'item').trim() || null,
      target: num(form, 'target'),
      text: str(form, 'text'),
      reviewsWanted: form.get('double') === 'on' ? 2 : 1,
    });
    return { ok: 'text added to the queue' };
  });
}

export async function makeDatasetAction(form: FormData) {
  const datasetId = str(form, 'datasetId');
  await attempt(`/synth/review/${datasetId}`, async () => {
    const made = await makeSyntheticDataset({
      datasetId,
      name: str(form, 'name'),
      score: str(form, 'score') || 'target',
    });
    return `/datasets/${made.id}`;
  });
}
