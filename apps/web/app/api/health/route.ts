export { GET } from '@/server/health.ts';
export const dynamic = 'force-dynamic';
