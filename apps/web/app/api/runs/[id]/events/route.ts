export { GET } from '@/features/runs/api/events-route.ts';
export const dynamic = 'force-dynamic';
