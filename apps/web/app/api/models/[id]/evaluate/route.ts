export { POST_EVALUATE as POST } from '@/features/models/api/model-routes.ts';
export const dynamic = 'force-dynamic';
