import { ComposePage } from '@/features/datasets/compose-page.tsx';

export const dynamic = 'force-dynamic';
export default ComposePage;
