// Connections to OpenAI-compatible endpoints: create, update (an absent key keeps the stored one),
// archive, and "test connection". The key is sealed here (AES-256-GCM, @tunelab/db secrets.ts) and
// opened only at call time, by testConnection and the worker; pages get a TConnectionView (no key).
import { testEndpoint } from '@tunelab/core/llm';
import { isLoopbackUrl, ZConnectionInput } from '@tunelab/core/synth';
import {
  findConnectionView,
  findConnectionWithKey,
  getPrisma,
  openConnectionKey,
  sealSecret,
  type TConnectionView,
} from '@tunelab/db';
import { HttpError } from '../../../common/server/http.ts';

export async function saveConnection(input: unknown, id?: string): Promise<TConnectionView> {
  const data = ZConnectionInput.parse(input);
  const prisma = getPrisma();
  const plain = data.apiKey?.trim() || undefined;
  const key = plain ? sealSecret(plain) : undefined;
  const fields = {
    name: data.name,
    baseUrl: data.baseUrl.replace(/\/+$/, ''),
    model: data.model,
    allowRealRows: data.allowRealRows,
  };
  const row = id
    ? await prisma.connection.update({
        where: { id },
        data: { ...fields, ...(key ? { apiKeySealed: key } : {}) },
      })
    : await prisma.connection.create({ data: { ...fields, apiKeySealed: key ?? null } });
  return (await findConnectionView(row.id)) as TConnectionView;
}

export async function archiveConnection(id: string): Promise<void> {
  await getPrisma().connection.update({ where: { id }, data: { archivedAt: new Date() } });
}

/** Sends one tiny chat request; says which model answered and what, or why it failed (no key). */
export async function testConnection(id: string) {
  const connection = await findConnectionWithKey(id);
  if (!connection) throw new HttpError(404, 'not_found', `Unknown connection ${id}`);
  const result = await testEndpoint({
    baseUrl: connection.baseUrl,
    model: connection.model,
    apiKey: openConnectionKey(connection),
  });
  return { ...result, loopback: isLoopbackUrl(connection.baseUrl) };
}
