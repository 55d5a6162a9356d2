-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'crossval';

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "groupColumn" TEXT;

-- AlterTable
ALTER TABLE "DatasetRow" ADD COLUMN     "group" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "parentRunId" TEXT,
ADD COLUMN     "share" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Sweep" ADD COLUMN     "folds" INTEGER,
ADD COLUMN     "shares" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[];

-- CreateIndex
CREATE INDEX "Run_parentRunId_idx" ON "Run"("parentRunId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

