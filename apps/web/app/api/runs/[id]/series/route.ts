export { GET } from '@/features/runs/api/series-route.ts';
export const dynamic = 'force-dynamic';
