-- Named accounts for reviewers, every review tied to one, and Connection keys sealed at rest.

CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");

-- Reviews from before accounts carried a self-declared name: each such name becomes a passwordless
-- user (it cannot sign in until `tunelab users add NAME` gives it a password).
INSERT INTO "User" ("id", "name")
SELECT 'legacy-' || md5("reviewer"), "reviewer" FROM (SELECT DISTINCT "reviewer" FROM "SynthReview") AS names;

ALTER TABLE "SynthReview" ADD COLUMN "reviewerId" TEXT;
UPDATE "SynthReview" r SET "reviewerId" = u."id" FROM "User" u WHERE u."name" = r."reviewer";
ALTER TABLE "SynthReview" ALTER COLUMN "reviewerId" SET NOT NULL;
DROP INDEX "SynthReview_textId_reviewer_key";
CREATE UNIQUE INDEX "SynthReview_textId_reviewerId_key" ON "SynthReview"("textId", "reviewerId");
ALTER TABLE "SynthReview" ADD CONSTRAINT "SynthReview_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Keys stored before sealing stay readable only until sealStoredKeys() (run by `npm start` and the
-- worker at start) encrypts them: it seals every value without the "tlk1." prefix.
ALTER TABLE "Connection" RENAME COLUMN "apiKey" TO "apiKeySealed";
