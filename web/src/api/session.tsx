import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, call, setUnauthorizedHandler } from './client.ts';
import type { Session } from './types.ts';

type State =
  | { status: 'loading' }
  | { status: 'signed-out'; message?: string }
  | { status: 'signed-in'; session: Session };

interface SessionApi {
  state: State;
  signIn(creds: { username: string; password: string } | { api_key: string }): Promise<void>;
  signOut(): Promise<void>;
  /** True when the signed-in user holds the permission (the server checks again on every call). */
  can(permission: string): boolean;
}

const Ctx = createContext<SessionApi | undefined>(undefined);

const EXPIRED = 'Your session has ended (it expired or was revoked). Sign in again.';
// setTimeout's longest delay; a session longer than that is re-armed when it fires.
const MAX_TIMER_MS = 2_147_483_647;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const queries = useQueryClient();

  const end = useCallback(
    (message?: string) => {
      queries.clear();
      setState(message ? { status: 'signed-out', message } : { status: 'signed-out' });
    },
    [queries],
  );

  useEffect(() => {
    setUnauthorizedHandler(() => end(EXPIRED));
    call<Session>('/auth/v1/session', { quiet401: true })
      .then((r) => setState({ status: 'signed-in', session: r.data }))
      .catch(() => setState({ status: 'signed-out' }));
  }, [end]);

  const expiry = state.status === 'signed-in' ? state.session.expiry : undefined;
  useEffect(() => {
    if (!expiry) return;
    const left = Date.parse(expiry) - Date.now();
    const timer = setTimeout(
      () => {
        if (Date.parse(expiry) <= Date.now())
          end(`Your session expired at ${new Date(expiry).toLocaleString()}. Sign in again.`);
      },
      Math.min(Math.max(left, 0), MAX_TIMER_MS),
    );
    return () => clearTimeout(timer);
  }, [expiry, end]);

  const api = useMemo<SessionApi>(
    () => ({
      state,
      async signIn(creds) {
        const r = await call<Session>('/auth/v1/session', { method: 'POST', body: creds, quiet401: true });
        setState({ status: 'signed-in', session: r.data });
      },
      async signOut() {
        try {
          await call('/auth/v1/session', { method: 'DELETE', quiet401: true });
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
        }
        end();
      },
      can(permission) {
        return state.status === 'signed-in' && state.session.permissions.includes(permission);
      },
    }),
    [state, end],
  );
  return <Ctx.Provider value={api}>{children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
