-- The catalogue of a run's metric series: per (run, name, split) how many points "Metric" holds
-- and its first and last step. Kept exact by statement triggers on "Metric" (every writer:
-- writeMetrics, bulk SQL), so run pages and the series API read a series' size and bounds
-- without counting or scanning points. Values live only in "Metric".

-- CreateTable
CREATE TABLE "MetricSeries" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "firstStep" INTEGER NOT NULL,
    "lastStep" INTEGER NOT NULL,

    CONSTRAINT "MetricSeries_pkey" PRIMARY KEY ("runId","name","split")
);

-- AddForeignKey
ALTER TABLE "MetricSeries" ADD CONSTRAINT "MetricSeries_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The function bodies are E-strings that spell the semicolon as \073: Prisma's pg adapter runs a
-- migration by splitting it at every semicolon (dollar quotes and comments included), so this file
-- holds none outside statement ends.

-- Inserted points (ON CONFLICT DO NOTHING leaves skipped rows out of the transition table).
CREATE FUNCTION "metric_series_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "MetricSeries" AS s ("runId", "name", "split", "points", "firstStep", "lastStep")
  SELECT "runId", "name", "split", count(*), min("step"), max("step")
  FROM new_rows GROUP BY "runId", "name", "split"
  ORDER BY "runId", "name", "split"
  ON CONFLICT ("runId", "name", "split") DO UPDATE SET
    "points" = s."points" + excluded."points",
    "firstStep" = least(s."firstStep", excluded."firstStep"),
    "lastStep" = greatest(s."lastStep", excluded."lastStep")\073
  RETURN NULL\073
END';

-- Deleted or re-keyed points: recount the series they touched (from the index, once per series).
CREATE FUNCTION "metric_series_recount"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  WITH touched AS (SELECT DISTINCT "runId", "name", "split" FROM old_rows),
  counted AS (
    SELECT t."runId", t."name", t."split", count(m."step") AS n, min(m."step") AS lo, max(m."step") AS hi
    FROM touched t LEFT JOIN "Metric" m
      ON m."runId" = t."runId" AND m."name" = t."name" AND m."split" = t."split"
    GROUP BY t."runId", t."name", t."split"
  ),
  gone AS (
    DELETE FROM "MetricSeries" s USING counted c
    WHERE c.n = 0 AND s."runId" = c."runId" AND s."name" = c."name" AND s."split" = c."split"
  )
  UPDATE "MetricSeries" s SET "points" = c.n, "firstStep" = c.lo, "lastStep" = c.hi
  FROM counted c
  WHERE c.n > 0 AND s."runId" = c."runId" AND s."name" = c."name" AND s."split" = c."split"\073
  IF TG_OP = ''UPDATE'' THEN
    INSERT INTO "MetricSeries" AS s ("runId", "name", "split", "points", "firstStep", "lastStep")
    SELECT m."runId", m."name", m."split", count(*), min(m."step"), max(m."step")
    FROM (SELECT DISTINCT "runId", "name", "split" FROM new_rows) t
    JOIN "Metric" m ON m."runId" = t."runId" AND m."name" = t."name" AND m."split" = t."split"
    GROUP BY m."runId", m."name", m."split"
    ON CONFLICT ("runId", "name", "split") DO UPDATE SET
      "points" = excluded."points", "firstStep" = excluded."firstStep", "lastStep" = excluded."lastStep"\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER "Metric_series_insert" AFTER INSERT ON "Metric"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_series_insert"();
CREATE TRIGGER "Metric_series_delete" AFTER DELETE ON "Metric"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_series_recount"();
CREATE TRIGGER "Metric_series_update" AFTER UPDATE ON "Metric"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "metric_series_recount"();

-- Series of the runs already stored.
INSERT INTO "MetricSeries" ("runId", "name", "split", "points", "firstStep", "lastStep")
SELECT "runId", "name", "split", count(*), min("step"), max("step") FROM "Metric" GROUP BY "runId", "name", "split";
