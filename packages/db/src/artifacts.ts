import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readEnv } from './env.ts';

/**
 * Local-folder artifact store (TUNELAB_ARTIFACTS_DIR, default .tunelab/artifacts). Database rows
 * keep paths relative to the root so the folder can move or be shared by several machines (NFS);
 * an S3-compatible store can implement the same methods later.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string = readEnv().TUNELAB_ARTIFACTS_DIR) {
    this.root = path.resolve(root);
  }

  /** Relative folder of a model: config.json, vocab.txt, model.safetensors. */
  modelPath(modelId: string): string {
    return path.posix.join('models', safeSegment(modelId));
  }

  datasetPath(datasetId: string): string {
    return path.posix.join('datasets', safeSegment(datasetId));
  }

  runPath(runId: string): string {
    return path.posix.join('runs', safeSegment(runId));
  }

  /** Work folders of a merge recipe search's candidates (one per phase-index). */
  searchPath(searchId: string): string {
    return path.posix.join('searches', safeSegment(searchId));
  }

  /** Where uploads are streamed before they are validated (removed afterwards). */
  uploadsPath(): string {
    return 'uploads';
  }

  /** Absolute path of a stored relative path; refuses paths that escape the root. */
  resolve(relativePath: string): string {
    const absolute = path.resolve(this.root, relativePath);
    if (absolute !== this.root && !absolute.startsWith(this.root + path.sep)) {
      throw new Error(`Artifact path "${relativePath}" is outside the artifact store ${this.root}`);
    }
    return absolute;
  }

  /** Creates the folder (and parents) and returns its absolute path. */
  async ensureDir(relativePath: string): Promise<string> {
    const absolute = this.resolve(relativePath);
    await mkdir(absolute, { recursive: true });
    return absolute;
  }

  async remove(relativePath: string): Promise<void> {
    await rm(this.resolve(relativePath), { recursive: true, force: true });
  }
}

function safeSegment(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id))
    throw new Error(`Invalid artifact id "${id}" (letters, digits, _ and - only)`);
  return id;
}

let defaultStore: ArtifactStore | undefined;

/** Store for this process's TUNELAB_ARTIFACTS_DIR. */
export function getArtifactStore(): ArtifactStore {
  const root = path.resolve(readEnv().TUNELAB_ARTIFACTS_DIR);
  if (!defaultStore || defaultStore.root !== root) defaultStore = new ArtifactStore(root);
  return defaultStore;
}
