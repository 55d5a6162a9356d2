import { GenerationPage } from '@/features/synth/generation-page.tsx';

export const dynamic = 'force-dynamic';
export default GenerationPage;
