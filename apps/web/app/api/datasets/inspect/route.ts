export { POST } from '@/features/datasets/api/inspect-route.ts';
export const dynamic = 'force-dynamic';
