export { POST } from '@/features/datasets/api/compose-route.ts';
export const dynamic = 'force-dynamic';
