export { GET } from '@/features/shell/workers-route.ts';
export const dynamic = 'force-dynamic';
