import { MergePage } from '@/features/merges/merge-page.tsx';

export const dynamic = 'force-dynamic';
export default MergePage;
