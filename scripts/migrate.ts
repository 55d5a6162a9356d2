// `node --import tsx scripts/migrate.ts`: applies pending migrations to DATABASE_URL (containers
// run it before the web app starts; `npm start` and `npm test` do it themselves).
import { applyMigrations } from '../packages/db/src/migrate.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('[tunelab] DATABASE_URL is not set: nothing to migrate');
  process.exit(1);
}
const output = await applyMigrations(url);
console.log(output.trim().split('\n').at(-1) ?? 'migrations applied');
