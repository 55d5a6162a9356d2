export { GET, POST } from '@/features/sweeps/api/sweep-routes.ts';
export const dynamic = 'force-dynamic';
