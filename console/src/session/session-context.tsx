import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { fetchSession, rememberSession, signOut } from '../api/console-client';
import type { ConsoleSession } from '../api/console-session';

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'signed-out'; readonly setupRequired: boolean; readonly reason?: ConsoleApiError }
  | { readonly status: 'signed-in'; readonly session: ConsoleSession };

interface SessionContextValue {
  readonly state: SessionState;
  /** After sign-in or setup: the answer is the session, no second round trip. */
  readonly signedIn: (session: ConsoleSession) => void;
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export const SessionProvider = ({ children }: { readonly children: ReactNode }) => {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const session = await fetchSession();
      rememberSession(session);
      setState({ status: 'signed-in', session });
    } catch (error) {
      rememberSession(undefined);
      const reason = error instanceof ConsoleApiError ? error : undefined;
      setState({ status: 'signed-out', setupRequired: reason?.body.SetupRequired === true, reason });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signedIn = useCallback((session: ConsoleSession) => {
    rememberSession(session);
    setState({ status: 'signed-in', session });
  }, []);

  const leave = useCallback(async () => {
    try {
      await signOut();
    } finally {
      rememberSession(undefined);
      setState({ status: 'signed-out', setupRequired: false });
    }
  }, []);

  return (
    <SessionContext.Provider value={{ state, signedIn, refresh, signOut: leave }}>
      {children}
    </SessionContext.Provider>
  );
};

export const useSessionContext = (): SessionContextValue => {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSessionContext outside SessionProvider');
  return value;
};

/** The signed-in session; only for components under the signed-in shell. */
export const useSession = (): ConsoleSession => {
  const { state } = useSessionContext();
  if (state.status !== 'signed-in') throw new Error('useSession outside a signed-in page');
  return state.session;
};
