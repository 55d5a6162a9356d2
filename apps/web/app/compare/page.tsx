import { ComparePage } from '@/features/compare/compare-page.tsx';

export const dynamic = 'force-dynamic';
export default ComparePage;
