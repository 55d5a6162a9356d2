// The web app's database handle: the per-process singleton from @tunelab/db (lazy, so `next build`
// never connects).
export { getPrisma, prisma } from '@tunelab/db';
