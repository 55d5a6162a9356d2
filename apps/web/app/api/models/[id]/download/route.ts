export { GET_DOWNLOAD as GET } from '@/features/models/api/model-routes.ts';
export const dynamic = 'force-dynamic';
