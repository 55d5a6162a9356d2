export { DELETE, POST } from '@/features/datasets/api/folds-route.ts';
export const dynamic = 'force-dynamic';
