// Who reviews, against real PostgreSQL: the sign-in route (accounts with argon2id passwords) sets the
// session cookie, and POST /api/synth/reviews records the session's person — never a name from the
// body; without a person's session it is refused beyond loopback (and on loopback once accounts
// exist); a double review takes two different people.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let stateDir: string;
let prisma: typeof import('@tunelab/db').prisma;
let reviews: typeof import('./reviews-route.ts');
let session: typeof import('../access/session-route.ts');
let access: typeof import('../../server/access.ts');
let datasetId: string;

const TOKEN = 'the-dashboard-token-0123456789';
const beyondLoopback = () => Object.assign(process.env, { HOST: '0.0.0.0', TUNELAB_TOKEN: TOKEN });
const onLoopback = () => {
  delete process.env.HOST;
  delete process.env.TUNELAB_TOKEN;
};

beforeAll(async () => {
  db = await createTestDatabase('web_synth_reviewers');
  stateDir = await mkdtemp(path.join(tmpdir(), 'tunelab-reviewers-'));
  Object.assign(process.env, { DATABASE_URL: db.databaseUrl, TUNELAB_STATE_DIR: stateDir });
  ({ prisma } = await import('@tunelab/db'));
  reviews = await import('./reviews-route.ts');
  session = await import('../access/session-route.ts');
  access = await import('../../server/access.ts');
  const dataset = await prisma.dataset.create({
    data: {
      name: 'interviews',
      task: 'regression',
      labelMin: 0,
      labelMax: 6,
      textColumn: 'text',
      labelColumn: 'label',
      status: 'ready',
    },
  });
  datasetId = dataset.id;
});

afterEach(onLoopback);

afterAll(async () => {
  onLoopback();
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
  await rm(stateDir, { recursive: true, force: true });
});

async function text(reviewsWanted = 1): Promise<string> {
  const row = await prisma.synthText.create({
    data: { datasetId, item: 'sleep', target: 5, text: `I barely sleep ${Math.random()}`, reviewsWanted },
  });
  return row.id;
}

function review(body: Record<string, unknown>, cookie?: string) {
  return reviews.POST(
    new Request('http://127.0.0.1:3000/api/synth/reviews', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

/** Signs in through the real route; returns the Cookie header to send (or the refusal). */
async function signIn(name: string, password: string): Promise<{ status: number; cookie?: string }> {
  const res = await session.POST(
    new Request('http://127.0.0.1:3000/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    }),
  );
  const set = res.headers.get('set-cookie') ?? '';
  expect(set === '' || /HttpOnly/.test(set)).toBe(true);
  expect(set === '' || /SameSite=Strict/.test(set)).toBe(true);
  return { status: res.status, cookie: set ? set.split(';')[0] : undefined };
}

const reviewsOf = (textId: string) =>
  prisma.synthReview.findMany({ where: { textId }, orderBy: { createdAt: 'asc' } });

describe('reviewers are the signed-in people', () => {
  it('on loopback without accounts, records the local user (the OS user), whatever the body says', async () => {
    onLoopback();
    const id = await text();
    const res = await review({ textId: id, decision: 'accept', score: 5 });
    expect(res.status).toBe(201);
    const [recorded] = await reviewsOf(id);
    expect(recorded?.reviewer).toBe(userInfo().username || 'local');
    const forged = await review({ textId: id, decision: 'accept', score: 4, reviewer: 'ben' });
    expect(forged.status).toBe(400);
    expect((await forged.json()).error).toMatch(/reviewer: not accepted.*signed-in person/);
    expect((await reviewsOf(id)).map((r) => r.score)).toEqual([5]);
  });

  it('refuses a review without a session beyond loopback, and with the token (which names nobody)', async () => {
    const { addUser } = await import('@tunelab/db');
    await addUser('ana', 'ana-password-1');
    await addUser('ben', 'ben-password-1');
    beyondLoopback();
    const id = await text();
    const none = await review({ textId: id, decision: 'accept', score: 5 });
    expect(none.status).toBe(401);
    expect((await none.json()).error).toMatch(/sign in at \/signin/);
    const tokenOnly = `${access.SESSION_COOKIE}=${await access.createSession(TOKEN)}`;
    const byToken = await review({ textId: id, decision: 'accept', score: 5 }, tokenOnly);
    expect(byToken.status).toBe(401);
    expect((await byToken.json()).error).toMatch(/TUNELAB_TOKEN, which names nobody/);
    // A session naming ana, signed with anything but this dashboard's secret, is nobody's.
    const ana = await prisma.user.findUniqueOrThrow({ where: { name: 'ana' } });
    const forged = `${access.SESSION_COOKIE}=${await access.createSession('not-the-token', ana)}`;
    expect((await review({ textId: id, decision: 'accept', score: 5 }, forged)).status).toBe(401);
    expect(await reviewsOf(id)).toHaveLength(0);
  });

  it('on loopback too, once accounts exist: nobody reviews as the local user any more', async () => {
    onLoopback();
    const id = await text();
    expect((await review({ textId: id, decision: 'accept', score: 5 })).status).toBe(401);
    const { cookie } = await signIn('ana', 'ana-password-1');
    expect((await review({ textId: id, decision: 'accept', score: 5 }, cookie)).status).toBe(201);
    expect((await reviewsOf(id)).map((r) => r.reviewer)).toEqual(['ana']);
  });

  it("records the session's name, not the body's; a wrong password gets no session", async () => {
    beyondLoopback();
    expect(await signIn('ana', 'wrong-password')).toEqual({ status: 401, cookie: undefined });
    expect(await signIn('nobody', 'ana-password-1')).toEqual({ status: 401, cookie: undefined });
    const { status, cookie } = await signIn('ana', 'ana-password-1');
    expect(status).toBe(200);
    const id = await text();
    const claimed = await review({ textId: id, decision: 'accept', score: 5, reviewer: 'ben' }, cookie);
    expect(claimed.status).toBe(400);
    expect(await reviewsOf(id)).toHaveLength(0);
    const res = await review({ textId: id, decision: 'edit', score: 4, editedText: 'I sleep 2 h.' }, cookie);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ recorded: true, reviewer: 'ana' });
    const ana = await prisma.user.findUniqueOrThrow({ where: { name: 'ana' } });
    const [recorded] = await reviewsOf(id);
    expect(recorded).toMatchObject({ reviewerId: ana.id, reviewer: 'ana', decision: 'edit', score: 4 });
  });

  it('a double review takes two different people: the same person again replaces their decision', async () => {
    beyondLoopback();
    const ana = (await signIn('ana', 'ana-password-1')).cookie;
    const ben = (await signIn('ben', 'ben-password-1')).cookie;
    const id = await text(2);
    expect((await review({ textId: id, decision: 'accept', score: 5 }, ana)).status).toBe(201);
    expect((await review({ textId: id, decision: 'accept', score: 6 }, ana)).status).toBe(201);
    let row = await prisma.synthText.findUniqueOrThrow({ where: { id }, include: { reviews: true } });
    expect(row.reviews.map((r) => [r.reviewer, r.score])).toEqual([['ana', 6]]);
    expect(row.status).toBe('pending');
    expect((await review({ textId: id, decision: 'accept', score: 5 }, ben)).status).toBe(201);
    row = await prisma.synthText.findUniqueOrThrow({ where: { id }, include: { reviews: true } });
    expect(row.reviews.map((r) => r.reviewer).sort()).toEqual(['ana', 'ben']);
    expect(row.status).toBe('accepted');
    // The database holds the rule too: no second row for the same person and text.
    await expect(
      prisma.synthReview.create({
        data: {
          textId: id,
          reviewerId: row.reviews[0]?.reviewerId as string,
          reviewer: 'x',
          decision: 'accept',
        },
      }),
    ).rejects.toThrow();
  });
});
