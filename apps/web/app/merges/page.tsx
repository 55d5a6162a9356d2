import { MergesPage } from '@/features/merges/merges-page.tsx';

export const dynamic = 'force-dynamic';
export default MergesPage;
