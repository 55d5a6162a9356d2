import { SweepPage } from '@/features/sweeps/sweep-page.tsx';

export const dynamic = 'force-dynamic';
export default SweepPage;
