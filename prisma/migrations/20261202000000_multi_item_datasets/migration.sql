-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "itemColumn" TEXT,
ADD COLUMN     "items" JSONB,
ADD COLUMN     "labelColumns" JSONB,
ADD COLUMN     "shape" TEXT NOT NULL DEFAULT 'single';

-- AlterTable
ALTER TABLE "DatasetRow" ADD COLUMN     "item" INTEGER,
ADD COLUMN     "labels" JSONB;

