import { DatasetPage } from '@/features/datasets/dataset-page.tsx';

export const dynamic = 'force-dynamic';
export default DatasetPage;
