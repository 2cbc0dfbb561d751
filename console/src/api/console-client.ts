import { ConsoleApiError } from './console-api-error';
import type { ConsoleSession } from './console-session';

/** The Alibaba-compatible products the console calls, as the server routes them. */
export type Product = 'Ims' | 'Ram' | 'Sts' | 'Actiontrail' | 'Keyfence';

/** Parameters exactly as the RPC API receives them: flat, every value a string. */
export type ActionParams = Readonly<Record<string, string | undefined>>;

const API = '/console/api';

let csrfToken: string | undefined;

/** Remembers the session's CSRF token; every write sends it (the server compares it to the session's). */
export const rememberSession = (session: ConsoleSession | undefined): void => {
  csrfToken = session?.CsrfToken;
};

const request = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken !== undefined) headers['X-KeyFence-CSRF'] = csrfToken;
  }
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    throw new ConsoleApiError(response.status, {});
  }
  if (!response.ok) throw new ConsoleApiError(response.status, parsed);
  return parsed as T;
};

/** Calls one action of the RPC API in process on the server, as the signed-in person. */
export const callAction = <T = Record<string, unknown>>(
  product: Product,
  action: string,
  params: ActionParams = {},
): Promise<T> => {
  const body: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (value !== undefined) body[name] = value;
  return request<T>('POST', `/actions/${product}/${action}`, body);
};

export const fetchSession = (): Promise<ConsoleSession> => request<ConsoleSession>('GET', '/session');

export const signIn = (principal: string, password: string): Promise<ConsoleSession> =>
  request<ConsoleSession>('POST', '/signin', { Principal: principal, Password: password });

export const completeSetup = (token: string, password: string): Promise<ConsoleSession> =>
  request<ConsoleSession>('POST', '/setup', { Token: token, Password: password });

export const signOut = (): Promise<unknown> => request('POST', '/signout');

export const acknowledgeRootAccessKeys = (): Promise<ConsoleSession> =>
  request<ConsoleSession>('POST', '/root-access-keys/acknowledge');
