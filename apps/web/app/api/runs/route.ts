export { GET, POST } from '@/features/runs/api/runs-route.ts';
export const dynamic = 'force-dynamic';
