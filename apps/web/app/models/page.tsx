import { ModelsPage } from '@/features/models/models-page.tsx';

export const dynamic = 'force-dynamic';
export default ModelsPage;
