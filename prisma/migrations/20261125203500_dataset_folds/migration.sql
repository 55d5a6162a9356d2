-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "folds" JSONB;

-- AlterTable
ALTER TABLE "DatasetRow" ADD COLUMN     "fold" INTEGER;

