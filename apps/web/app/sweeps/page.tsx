import { SweepsPage } from '@/features/sweeps/sweeps-page.tsx';

export const dynamic = 'force-dynamic';
export default SweepsPage;
