-- Every tracked job is a Run: Merge and Analysis become detail rows of a Run (kind merge / analyse)
-- that holds their status, error, queue job and times. Existing rows each get a Run carrying their
-- state, and the columns the Run now owns are dropped afterwards.

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Sweep" ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false;

-- A Run for every merge that has none (the Run id is derived from the merge id).
INSERT INTO "Run" ("id", "kind", "status", "params", "modelId", "createdAt", "startedAt", "finishedAt", "error", "progress", "tags", "cancelRequested", "attempts")
SELECT 'run-' || m."id", 'merge', m."status", m."params", m."baseModelId", m."createdAt",
       CASE WHEN m."status" <> 'queued' THEN m."createdAt" END,
       CASE WHEN m."status" IN ('succeeded', 'failed', 'cancelled')
            THEN COALESCE((SELECT mo."createdAt" FROM "Model" mo WHERE mo."parentMergeId" = m."id"), m."createdAt") END,
       m."error",
       CASE WHEN m."status" = 'succeeded' THEN 1 ELSE 0 END,
       ARRAY[]::TEXT[], false,
       CASE WHEN m."status" = 'queued' THEN 0 ELSE 1 END
FROM "Merge" m
WHERE m."runId" IS NULL;
UPDATE "Merge" SET "runId" = 'run-' || "id" WHERE "runId" IS NULL;

-- A Run for every analysis.
INSERT INTO "Run" ("id", "kind", "status", "params", "queueJobId", "createdAt", "startedAt", "finishedAt", "error", "progress", "tags", "cancelRequested", "attempts")
SELECT 'run-' || a."id", 'analyse', a."status", a."params", a."queueJobId", a."createdAt",
       CASE WHEN a."status" <> 'queued' THEN a."createdAt" END,
       CASE WHEN a."status" IN ('succeeded', 'failed', 'cancelled') THEN COALESCE(a."finishedAt", a."createdAt") END,
       a."error",
       CASE WHEN a."status" = 'succeeded' THEN 1 ELSE 0 END,
       ARRAY[]::TEXT[], false,
       CASE WHEN a."status" = 'queued' THEN 0 ELSE 1 END
FROM "Analysis" a;
ALTER TABLE "Analysis" ADD COLUMN "runId" TEXT;
UPDATE "Analysis" SET "runId" = 'run-' || "id";

-- DropForeignKey
ALTER TABLE "Merge" DROP CONSTRAINT "Merge_runId_fkey";

-- AlterTable
ALTER TABLE "Analysis" DROP COLUMN "error",
DROP COLUMN "finishedAt",
DROP COLUMN "queueJobId",
DROP COLUMN "status",
ALTER COLUMN "runId" SET NOT NULL;

-- AlterTable
ALTER TABLE "Merge" DROP COLUMN "error",
DROP COLUMN "status",
ALTER COLUMN "runId" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Analysis_runId_key" ON "Analysis"("runId");

-- AddForeignKey
ALTER TABLE "Merge" ADD CONSTRAINT "Merge_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Analysis" ADD CONSTRAINT "Analysis_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
