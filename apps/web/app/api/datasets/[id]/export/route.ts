export { GET } from '@/features/datasets/api/export-route.ts';
export const dynamic = 'force-dynamic';
