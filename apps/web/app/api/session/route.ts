export { DELETE, POST } from '@/features/access/session-route.ts';
export const dynamic = 'force-dynamic';
