export { GET } from '@/features/synth/provenance-route.ts';

export const dynamic = 'force-dynamic';
