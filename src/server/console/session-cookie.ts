import type { IncomingHttpHeaders } from 'node:http';

/** The session cookie over plain HTTP: sent to the console's paths only. */
const PLAIN_NAME = 'kf_session';
/** Over TLS: `__Host-` binds it to this host, `Secure` and `Path=/` (what the prefix requires). */
const SECURE_NAME = '__Host-kf_session';

/** The `Set-Cookie` value that hands the browser session `id`; a session cookie (no Max-Age). */
export function sessionCookie(id: string, secure: boolean): string {
  return secure
    ? `${SECURE_NAME}=${id}; Path=/; Secure; HttpOnly; SameSite=Strict`
    : `${PLAIN_NAME}=${id}; Path=/console; HttpOnly; SameSite=Strict`;
}

/** The `Set-Cookie` value that removes it. */
export function clearedCookie(secure: boolean): string {
  return secure
    ? `${SECURE_NAME}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`
    : `${PLAIN_NAME}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/**
 * The session ID the request carries, from the cookie its transport uses (over TLS only the
 * `__Host-` one, which no plain-HTTP page can have set). Undefined when there is none.
 */
export function sessionIdOf(headers: IncomingHttpHeaders, secure: boolean): string | undefined {
  const wanted = secure ? SECURE_NAME : PLAIN_NAME;
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== wanted) continue;
    const value = pair.slice(eq + 1).trim();
    // IDs are base64url: anything else is not one of ours.
    return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}
