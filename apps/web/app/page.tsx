import { HomePage } from '@/features/shell/home-page.tsx';

export const dynamic = 'force-dynamic';
export default HomePage;
