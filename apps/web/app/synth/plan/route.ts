export { GET } from '@/features/synth/plan-route.ts';

export const dynamic = 'force-dynamic';
