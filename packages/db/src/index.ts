// @tunelab/db: the Prisma client (one per process), migrations, and queries shared by the apps.

export { ArtifactStore, getArtifactStore } from './artifacts.ts';
export type * from './client.ts';
export { createPrismaClient, disconnectPrisma, getPrisma, Prisma, PrismaClient, prisma } from './client.ts';
export { assignDatasetFolds, clearDatasetFolds } from './dataset-folds.ts';
export {
  datasetItemSpecs,
  datasetItems,
  datasetLabelSpace,
  loadDatasetRows,
  type TDatasetLabelFacts,
  type TLoadedRow,
} from './dataset-rows.ts';
export { createComposedDataset, createDataset, findDatasetByClientKey } from './datasets.ts';
export { REPO_ROOT, readEnv, type TEnv, ZEnv } from './env.ts';
export { generateClient } from './generate.ts';
export {
  deleteItem,
  findDependents,
  ItemBusy,
  ItemInUse,
  ItemNotFound,
  renameItem,
  setArchived,
  type TItemKind,
  type TItemRef,
  ZItemKind,
  ZItemName,
} from './housekeeping.ts';
export { isInfrastructureError, retryOnInfrastructure, type TInfraRetryOptions } from './infra.ts';
export {
  checkStoredMergeable,
  parseStoredMergeConfig,
  type TMergeModel,
  type TStoredMergeConfig,
} from './merge-configs.ts';
export { type TMetricPoint, writeMetrics, ZMetricPoint } from './metrics.ts';
export { applyMigrations } from './migrate.ts';
export { redactUrl } from './pg-adapter.ts';
export { queuePrefix } from './redis-prefix.ts';
export {
  firstOrigin,
  rowOrigins,
  summarizeOrigins,
  type TRowOrigin,
  type TSynthProvenance,
  ZSynthProvenance,
} from './row-origins.ts';
export {
  appendRunLog,
  FINISHED_RUN_STATUSES,
  finishRun,
  isCancelRequested,
  markRunRequeued,
  markRunRetrying,
  markRunRunning,
  markSweepLaunched,
  requestRunCancel,
  requestSweepCancel,
  requeueRun,
  setRunProgress,
  settleParentRun,
  settleSweep,
} from './runs.ts';
export {
  isSealed,
  openConnectionKey,
  openSecret,
  sealedKeyId,
  sealSecret,
  secretKeys,
  type TSecretKeys,
} from './secrets.ts';
export {
  CONNECTION_VIEW,
  createSyntheticDataset,
  findConnectionView,
  findConnectionWithKey,
  listConnections,
  sealStoredKeys,
  type TConnectionView,
  type TSyntheticRowInput,
} from './synth.ts';
export {
  accountsExist,
  addUser,
  checkPassword,
  findUser,
  listUsers,
  localUser,
  setUserPassword,
  type TUser,
  ZPassword,
  ZUserName,
} from './users.ts';
