import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { useSession } from '../api/session.tsx';

/** Sign in with a user name and password, or with an API key; the server answers with the session cookie. */
export function SignIn({ message }: { message?: string | undefined }) {
  const { signIn } = useSession();
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await signIn(
        mode === 'password'
          ? { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') }
          : { api_key: String(form.get('api_key') ?? '') },
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : `Could not reach Squall: ${String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>Squall</h1>
      {message ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        {mode === 'password' ? (
          <>
            <label htmlFor="username">Username</label>
            <input id="username" name="username" autoComplete="username" required />
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </>
        ) : (
          <>
            <label htmlFor="api_key">API key</label>
            <input id="api_key" name="api_key" type="password" autoComplete="off" required />
          </>
        )}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <button type="button" className="link" onClick={() => setMode(mode === 'password' ? 'key' : 'password')}>
        {mode === 'password' ? 'Use an API key instead' : 'Use a user name and password instead'}
      </button>
      <p className="muted small">
        On first start Squall writes the admin's user name and password to the <code>credentials</code> file in its data
        folder.
      </p>
    </main>
  );
}
