import { ModelPage } from '@/features/models/model-page.tsx';

export const dynamic = 'force-dynamic';
export default ModelPage;
