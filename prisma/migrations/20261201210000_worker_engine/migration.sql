-- AlterTable
ALTER TABLE "WorkerHeartbeat" ADD COLUMN     "engine" JSONB;
