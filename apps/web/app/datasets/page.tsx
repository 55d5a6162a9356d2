import { DatasetsPage } from '@/features/datasets/datasets-page.tsx';

export const dynamic = 'force-dynamic';
export default DatasetsPage;
