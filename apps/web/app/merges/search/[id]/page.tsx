import { SearchPage } from '@/features/merges/search-page.tsx';

export const dynamic = 'force-dynamic';
export default SearchPage;
