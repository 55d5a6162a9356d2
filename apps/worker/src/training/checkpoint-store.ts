import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type TrainCheckpoint } from '@tunelab/core/train';
import { getArtifactStore } from '@tunelab/db';

/** Per-epoch checkpoint of a run in the artifact store (runs/<id>/checkpoint.bin), for resume on retry. */
export class CheckpointStore {
  constructor(readonly runId: string) {}

  private async file(): Promise<string> {
    const store = getArtifactStore();
    return path.join(await store.ensureDir(store.runPath(this.runId)), 'checkpoint.bin');
  }

  async save(c: TrainCheckpoint): Promise<void> {
    const file = await this.file();
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, encodeCheckpoint(c));
    await rename(tmp, file);
  }

  async load(): Promise<TrainCheckpoint | null> {
    const file = await this.file();
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return null;
    }
    return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  }

  async remove(): Promise<void> {
    await rm(await this.file(), { force: true });
  }
}
