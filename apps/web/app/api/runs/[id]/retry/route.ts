export { POST_RETRY as POST } from '@/features/runs/api/run-action-routes.ts';
