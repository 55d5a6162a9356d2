import { RunPage } from '@/features/runs/run-page.tsx';

export const dynamic = 'force-dynamic';
export default RunPage;
