export { GET, POST } from '@/features/datasets/api/datasets-route.ts';
export const dynamic = 'force-dynamic';
