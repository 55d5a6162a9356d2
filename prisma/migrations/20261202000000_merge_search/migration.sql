-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "RunKind" ADD VALUE 'search';
ALTER TYPE "RunKind" ADD VALUE 'search_candidate';

-- CreateTable
CREATE TABLE "MergeSearch" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "config" TEXT NOT NULL,
    "baseModelId" TEXT,
    "result" JSONB,
    "runId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MergeSearch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SearchCandidate" (
    "id" TEXT NOT NULL,
    "searchId" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "scores" JSONB,
    "runId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchCandidate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MergeSearch_runId_key" ON "MergeSearch"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "SearchCandidate_runId_key" ON "SearchCandidate"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "SearchCandidate_searchId_phase_index_key" ON "SearchCandidate"("searchId", "phase", "index");

-- AddForeignKey
ALTER TABLE "MergeSearch" ADD CONSTRAINT "MergeSearch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SearchCandidate" ADD CONSTRAINT "SearchCandidate_searchId_fkey" FOREIGN KEY ("searchId") REFERENCES "MergeSearch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SearchCandidate" ADD CONSTRAINT "SearchCandidate_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

