import { NewRunPage } from '@/features/runs/new-run-page.tsx';

export const dynamic = 'force-dynamic';
export default NewRunPage;
