import { AnalysisPage } from '@/features/analyses/analysis-page.tsx';

export const dynamic = 'force-dynamic';
export default AnalysisPage;
