-- Provenance survives composition: a copied row names the row it first came from, and a synthetic
-- dataset's provenance rows name the DatasetRow they describe.

-- AlterTable
ALTER TABLE "DatasetRow" ADD COLUMN "originRowId" TEXT;

-- AlterTable
ALTER TABLE "SynthDatasetRow" ADD COLUMN "rowId" TEXT;

-- Backfill: provenance rows of existing synthetic datasets name their dataset rows.
UPDATE "SynthDatasetRow" AS s SET "rowId" = r."id"
FROM "DatasetRow" AS r
WHERE r."datasetId" = s."datasetId" AND r."index" = s."index";

-- CreateIndex
CREATE INDEX "DatasetRow_originRowId_idx" ON "DatasetRow"("originRowId");

-- CreateIndex
CREATE UNIQUE INDEX "SynthDatasetRow_rowId_key" ON "SynthDatasetRow"("rowId");
