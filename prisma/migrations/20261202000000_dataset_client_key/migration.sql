-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN "clientKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_clientKey_key" ON "Dataset"("clientKey");
