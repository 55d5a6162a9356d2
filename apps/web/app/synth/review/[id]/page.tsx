import { ReviewPage } from '@/features/synth/review-page.tsx';

export const dynamic = 'force-dynamic';
export default ReviewPage;
