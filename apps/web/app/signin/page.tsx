import SignInPage from '@/features/access/signin-page.tsx';

export const dynamic = 'force-dynamic';
export default SignInPage;
