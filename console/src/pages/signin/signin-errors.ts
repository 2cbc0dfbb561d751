import { ConsoleApiError } from '../../api/console-api-error';

/** What the sign-in page says about a failed attempt: the server's own words, plus how long to wait. */
export interface SigninProblem {
  readonly message: string;
  /** Seconds before the next attempt is worth making (throttled sign-in). */
  readonly retryAfterSeconds?: number;
}

/** The throttled answer, counting down while the page waits. */
export const throttledMessage = (seconds: number): string =>
  seconds > 0
    ? `Too many failed sign-ins. Wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'} before trying again.`
    : 'Too many failed sign-ins. You may try again now.';

export const signinProblem = (error: unknown): SigninProblem => {
  if (!(error instanceof ConsoleApiError)) return { message: 'The console could not be reached: try again.' };
  if (error.code === 'ConsoleSigninThrottled') {
    const wait = Number(error.body.RetryAfterSeconds);
    const seconds = Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : 1;
    return { message: throttledMessage(seconds), retryAfterSeconds: seconds };
  }
  return { message: error.message };
};

/** Why a signed-out page opened: a session that ended by itself deserves a word. */
export const endedSessionMessage = (reason: ConsoleApiError | undefined): string | undefined => {
  if (reason === undefined) return undefined;
  if (reason.code === 'ConsoleSessionExpired') return 'Your session has expired: sign in again.';
  if (reason.code === 'ConsoleLogonMaskDenied') return reason.message;
  return undefined;
};
