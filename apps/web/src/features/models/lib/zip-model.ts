import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { getArtifactStore, prisma } from '@tunelab/db';
import { zip } from 'fflate';

/** The model's Hugging Face folder as a zip (stored, not deflated: safetensors do not compress). */
export async function zipModel(id: string): Promise<{ name: string; bytes: Uint8Array } | null> {
  const model = await prisma.model.findUnique({ where: { id } });
  if (!model) return null;
  const dir = getArtifactStore().resolve(model.artifactPath);
  const folder = model.name.replace(/[^\w.-]+/g, '_').slice(0, 60) || id;
  const entries: Record<string, Uint8Array> = {};
  for (const f of await readdir(dir, { withFileTypes: true })) {
    if (f.isFile() && !f.name.includes('.tmp-'))
      entries[`${folder}/${f.name}`] = new Uint8Array(await readFile(path.join(dir, f.name)));
  }
  const bytes = await new Promise<Uint8Array>((resolve, reject) =>
    zip(entries, { level: 0 }, (err, data) => (err ? reject(err) : resolve(data))),
  );
  return { name: `${folder}.zip`, bytes };
}
