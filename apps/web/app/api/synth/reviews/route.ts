export { POST } from '@/features/synth/reviews-route.ts';

export const dynamic = 'force-dynamic';
