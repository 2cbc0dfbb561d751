import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ListenerConfig } from '../../config/keyfence-config.js';
import type { ConnectionOrigin } from '../../request/source/connection-origin.js';
import { type RequestSource, resolveSource } from '../../request/source/resolve-source.js';
import type { TrustedProxies } from '../../request/source/trusted-proxies.js';
import { newRequestId } from '../http/request-id.js';
import type { ConsoleApi } from './console-api.js';
import { setConsoleSecurityHeaders } from './console-headers.js';
import type { ConsoleStatic } from './console-static.js';
import { cameOverTls } from './console-transport.js';
import { isLoopbackAddress } from './logon-mask.js';

export const CONSOLE_PREFIX = '/console';

/** Whether `path` (no query) is the console's: `/console` or anything under `/console/`. */
export const isConsolePath = (path: string): boolean =>
  path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`);

/**
 * Whether a listener serves the console: `api` and `console` listeners do, on loopback only
 * unless `console.enabled` is true, and none when it is false.
 */
export function servesConsole(listener: ListenerConfig, enabled: boolean | undefined): boolean {
  if (enabled === false || listener.role === 'gateway') return false;
  return enabled === true || isLoopbackHost(listener.address.host);
}

export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

export interface ConsoleRouteOptions {
  readonly api: ConsoleApi;
  readonly files: ConsoleStatic;
  readonly trustedProxies: TrustedProxies;
  readonly now: () => Date;
  readonly log: Logger;
}

/** The web console at `/console/`: the app's files, and its JSON API under `/console/api/`. */
export class ConsoleRoute {
  readonly #options: ConsoleRouteOptions;

  constructor(options: ConsoleRouteOptions) {
    this.#options = options;
  }

  /** Answers one request whose path is the console's; the listener serves it. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    origin: ConnectionOrigin<ListenerConfig>,
    path: string,
  ): void {
    setConsoleSecurityHeaders(res);
    const rest = path.slice(CONSOLE_PREFIX.length + 1);
    const done =
      rest === 'api' || rest.startsWith('api/')
        ? this.#api(req, res, origin, rest.slice('api/'.length))
        : this.#options.files.answer(req, res, rest);
    done.catch((error: unknown) => {
      this.#options.log.error({ err: error }, 'console request failed');
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end('internal error\n');
      }
    });
  }

  #api(req: IncomingMessage, res: ServerResponse, origin: ConnectionOrigin<ListenerConfig>, path: string) {
    const { trustedProxies, now, api } = this.#options;
    const secure = cameOverTls(origin, req.headers, trustedProxies);
    const ua = req.headers['user-agent'];
    return api.answer({
      req,
      res,
      path,
      secure,
      requestId: newRequestId(),
      time: now(),
      source: sourceOf(origin, req, trustedProxies),
      userAgent: ua === undefined ? null : ua.slice(0, 512),
    });
  }
}

/**
 * The request's source as the gate resolves it (trusted proxies, PROXY protocol); an unreadable
 * forwarded address is no address, which no logon mask allows.
 */
function sourceOf(
  origin: ConnectionOrigin<ListenerConfig>,
  req: IncomingMessage,
  trusted: TrustedProxies,
): RequestSource {
  const resolved = resolveSource(origin, req.headers, trusted);
  return resolved.ok ? resolved.value : { ip: '', via: 'peer' };
}
