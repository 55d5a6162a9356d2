// Who is reviewing: a name chosen per browser session (a cookie), so each decision carries a name.
// It is self-declared: sign-in (TUNELAB_TOKEN) says the person may use the dashboard, not who they
// are, so names are trusted as given (README "Synthetic data").
export const REVIEWER_COOKIE = 'tunelab_reviewer';
