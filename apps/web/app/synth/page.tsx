import { SynthPage } from '@/features/synth/synth-page.tsx';

export const dynamic = 'force-dynamic';
export default SynthPage;
