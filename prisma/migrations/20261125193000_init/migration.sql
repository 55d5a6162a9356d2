-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Task" AS ENUM ('regression', 'classification');

-- CreateEnum
CREATE TYPE "DatasetOrigin" AS ENUM ('real', 'synthetic', 'mixed');

-- CreateEnum
CREATE TYPE "DatasetStatus" AS ENUM ('pending', 'profiling', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "Split" AS ENUM ('train', 'eval', 'test');

-- CreateEnum
CREATE TYPE "RowSource" AS ENUM ('real', 'synthetic');

-- CreateEnum
CREATE TYPE "ModelKind" AS ENUM ('base', 'pretrained', 'finetuned', 'merged');

-- CreateEnum
CREATE TYPE "RunKind" AS ENUM ('train', 'pretrain', 'evaluate', 'analyse', 'merge');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "LogLevel" AS ENUM ('debug', 'info', 'warn', 'error');

-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "task" "Task" NOT NULL,
    "labelMin" DOUBLE PRECISION,
    "labelMax" DOUBLE PRECISION,
    "classes" JSONB,
    "textColumn" TEXT NOT NULL,
    "labelColumn" TEXT NOT NULL,
    "splitColumn" TEXT,
    "sourceColumn" TEXT,
    "fileName" TEXT,
    "format" TEXT,
    "rowCount" INTEGER NOT NULL DEFAULT 0,
    "stats" JSONB,
    "origin" "DatasetOrigin" NOT NULL DEFAULT 'real',
    "tolerance" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "status" "DatasetStatus" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "parents" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetRow" (
    "id" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "label" DOUBLE PRECISION NOT NULL,
    "labelText" TEXT,
    "split" "Split" NOT NULL,
    "source" "RowSource" NOT NULL DEFAULT 'real',

    CONSTRAINT "DatasetRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ModelKind" NOT NULL,
    "config" JSONB NOT NULL,
    "tokenizer" JSONB,
    "artifactPath" TEXT NOT NULL,
    "paramCount" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL DEFAULT 'unknown',
    "task" "Task",
    "numLabels" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "parentRunId" TEXT,
    "parentMergeId" TEXT,
    "baseModelId" TEXT,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "kind" "RunKind" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "params" JSONB NOT NULL DEFAULT '{}',
    "datasetId" TEXT,
    "modelId" TEXT,
    "queueJobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "summary" JSONB,
    "backend" TEXT,
    "workerId" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "etaSeconds" DOUBLE PRECISION,
    "sweepId" TEXT,
    "fraction" DOUBLE PRECISION,
    "seed" INTEGER,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Metric" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "epoch" DOUBLE PRECISION,
    "wallTime" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Metric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunLog" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" "LogLevel" NOT NULL DEFAULT 'info',
    "message" TEXT NOT NULL,

    CONSTRAINT "RunLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "recipe" JSONB NOT NULL,
    "fractions" DOUBLE PRECISION[],
    "seeds" INTEGER[],
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "datasetId" TEXT,
    "baseModelId" TEXT,
    "summary" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Merge" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "method" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "config" TEXT NOT NULL,
    "baseModelId" TEXT,
    "runId" TEXT,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Merge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MergeParent" (
    "id" TEXT NOT NULL,
    "mergeId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "MergeParent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "split" TEXT NOT NULL DEFAULT 'test',
    "runId" TEXT,
    "mergeId" TEXT,
    "metrics" JSONB NOT NULL,
    "predictions" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Analysis" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'vectors',
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "modelIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "params" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "resultPath" TEXT,
    "error" TEXT,
    "queueJobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Analysis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalysisRun" (
    "analysisId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,

    CONSTRAINT "AnalysisRun_pkey" PRIMARY KEY ("analysisId","runId")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL DEFAULT 1,
    "activeJobs" JSONB NOT NULL DEFAULT '[]',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Dataset_createdAt_idx" ON "Dataset"("createdAt");

-- CreateIndex
CREATE INDEX "DatasetRow_datasetId_split_idx" ON "DatasetRow"("datasetId", "split");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetRow_datasetId_index_key" ON "DatasetRow"("datasetId", "index");

-- CreateIndex
CREATE UNIQUE INDEX "Model_parentRunId_key" ON "Model"("parentRunId");

-- CreateIndex
CREATE UNIQUE INDEX "Model_parentMergeId_key" ON "Model"("parentMergeId");

-- CreateIndex
CREATE INDEX "Model_kind_idx" ON "Model"("kind");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "Metric_runId_name_split_step_idx" ON "Metric"("runId", "name", "split", "step");

-- CreateIndex
CREATE UNIQUE INDEX "Metric_runId_name_split_step_key" ON "Metric"("runId", "name", "split", "step");

-- CreateIndex
CREATE INDEX "RunLog_runId_ts_idx" ON "RunLog"("runId", "ts");

-- CreateIndex
CREATE UNIQUE INDEX "Merge_runId_key" ON "Merge"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "MergeParent_mergeId_modelId_key" ON "MergeParent"("mergeId", "modelId");

-- CreateIndex
CREATE INDEX "Evaluation_modelId_datasetId_idx" ON "Evaluation"("modelId", "datasetId");

-- CreateIndex
CREATE INDEX "Evaluation_mergeId_idx" ON "Evaluation"("mergeId");

-- CreateIndex
CREATE INDEX "WorkerHeartbeat_lastSeen_idx" ON "WorkerHeartbeat"("lastSeen");

-- AddForeignKey
ALTER TABLE "DatasetRow" ADD CONSTRAINT "DatasetRow_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_parentMergeId_fkey" FOREIGN KEY ("parentMergeId") REFERENCES "Merge"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_baseModelId_fkey" FOREIGN KEY ("baseModelId") REFERENCES "Model"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Metric" ADD CONSTRAINT "Metric_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLog" ADD CONSTRAINT "RunLog_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_baseModelId_fkey" FOREIGN KEY ("baseModelId") REFERENCES "Model"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Merge" ADD CONSTRAINT "Merge_baseModelId_fkey" FOREIGN KEY ("baseModelId") REFERENCES "Model"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Merge" ADD CONSTRAINT "Merge_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MergeParent" ADD CONSTRAINT "MergeParent_mergeId_fkey" FOREIGN KEY ("mergeId") REFERENCES "Merge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MergeParent" ADD CONSTRAINT "MergeParent_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_mergeId_fkey" FOREIGN KEY ("mergeId") REFERENCES "Merge"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisRun" ADD CONSTRAINT "AnalysisRun_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "Analysis"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisRun" ADD CONSTRAINT "AnalysisRun_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
