-- AlterTable
ALTER TABLE "Model" ADD COLUMN "clientKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Model_clientKey_key" ON "Model"("clientKey");
