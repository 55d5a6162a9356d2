import { RunsPage } from '@/features/runs/runs-page.tsx';

export const dynamic = 'force-dynamic';
export default RunsPage;
