/** The outcome of the last form action (from ?ok= / ?error=). */
export function Notice({ ok, error }: { ok?: string; error?: string }) {
  if (error)
    return (
      <div className="error-box" data-testid="notice-error">
        {error}
      </div>
    );
  if (ok)
    return (
      <div className="card" data-testid="notice-ok">
        {ok}
      </div>
    );
  return null;
}
