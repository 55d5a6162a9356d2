export { GET } from '@/features/datasets/api/dataset-route.ts';
export const dynamic = 'force-dynamic';
