-- Synthetic data with experts in the loop: connections to OpenAI-compatible endpoints, generation
-- runs (kind generate, detail row Generation), the review queue (SynthText, SynthReview) and the
-- per-row provenance of synthetic datasets (SynthDatasetRow).

-- CreateEnum
CREATE TYPE "SynthTextStatus" AS ENUM ('pending', 'accepted', 'rejected');

-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'generate';

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "apiKey" TEXT,
    "allowRealRows" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMP(3),

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Generation" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "connectionId" TEXT,
    "spec" JSONB NOT NULL,
    "endpoint" JSONB NOT NULL,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "sentRows" JSONB NOT NULL DEFAULT '[]',
    "diversity" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Generation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SynthText" (
    "id" TEXT NOT NULL,
    "generationId" TEXT,
    "datasetId" TEXT,
    "item" TEXT,
    "target" DOUBLE PRECISION NOT NULL,
    "text" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "prompt" TEXT,
    "seed" INTEGER,
    "fewShotRowIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "checks" JSONB,
    "origin" TEXT NOT NULL DEFAULT 'generated',
    "enteredBy" TEXT,
    "reviewsWanted" INTEGER NOT NULL DEFAULT 1,
    "status" "SynthTextStatus" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SynthText_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SynthReview" (
    "id" TEXT NOT NULL,
    "textId" TEXT NOT NULL,
    "reviewer" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "editedText" TEXT,
    "score" DOUBLE PRECISION,
    "blind" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SynthReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SynthDatasetRow" (
    "datasetId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "textId" TEXT,
    "provenance" JSONB NOT NULL,

    CONSTRAINT "SynthDatasetRow_pkey" PRIMARY KEY ("datasetId","index")
);

-- CreateIndex
CREATE UNIQUE INDEX "Generation_runId_key" ON "Generation"("runId");

-- CreateIndex
CREATE INDEX "SynthText_datasetId_status_idx" ON "SynthText"("datasetId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SynthText_generationId_position_key" ON "SynthText"("generationId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "SynthReview_textId_reviewer_key" ON "SynthReview"("textId", "reviewer");

-- AddForeignKey
ALTER TABLE "Generation" ADD CONSTRAINT "Generation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Generation" ADD CONSTRAINT "Generation_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SynthText" ADD CONSTRAINT "SynthText_generationId_fkey" FOREIGN KEY ("generationId") REFERENCES "Generation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SynthReview" ADD CONSTRAINT "SynthReview_textId_fkey" FOREIGN KEY ("textId") REFERENCES "SynthText"("id") ON DELETE CASCADE ON UPDATE CASCADE;

