export { POST_CANCEL as POST } from '@/features/runs/api/run-action-routes.ts';
