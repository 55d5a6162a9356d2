import { AnalysesPage } from '@/features/analyses/analyses-page.tsx';

export const dynamic = 'force-dynamic';
export default AnalysesPage;
