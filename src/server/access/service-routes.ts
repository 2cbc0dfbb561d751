import { KeyFenceError } from '../../common/keyfence-error.js';
import type { GatewayRoute } from '../../config/keyfence-config.js';
import { productOfVersion, SERVICE_OF } from '../../request/product.js';

const serviceCode = /^[a-z][a-z0-9-]{0,62}$/;
const hostName = /^(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;

/**
 * The host name a Host header (or X-Forwarded-Host) names: lower case, without the port or a
 * trailing dot; IPv6 literals keep their brackets. Undefined when the header is absent or empty.
 */
export function hostNameOf(host: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined;
  let name: string;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    name = close < 0 ? host : host.slice(0, close + 1);
  } else {
    const colon = host.indexOf(':');
    name = colon < 0 ? host : host.slice(0, colon);
  }
  name = name.toLowerCase();
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

interface CompiledRoute {
  readonly route: GatewayRoute;
  /** Exact host, or the parent domain of a `*.` pattern (with its leading dot); undefined = any host. */
  readonly host: string | undefined;
  readonly wildcard: boolean;
}

/**
 * The route table of `gateway.routes` (tried in order, first match wins), and how forward-auth
 * and the gateway find the service code a request is decided under.
 */
export class ServiceRoutes {
  readonly #routes: readonly CompiledRoute[];

  /** Throws on a route without host and version, with a malformed host, or a bad service code. */
  constructor(routes: readonly GatewayRoute[]) {
    this.#routes = routes.map((route, i) => {
      const where = `gateway route ${i + 1}`;
      if (route.host === undefined && route.version === undefined) {
        throw new KeyFenceError('Config.InvalidRoute', `${where}: set host, version or both`);
      }
      if (!serviceCode.test(route.service)) {
        throw new KeyFenceError(
          'Config.InvalidRoute',
          `${where}: service ${JSON.stringify(route.service)} is not a lower-case service code such as ecs`,
        );
      }
      if (route.host === undefined) return { route, host: undefined, wildcard: false };
      const host = route.host.toLowerCase();
      if (!hostName.test(host)) {
        throw new KeyFenceError(
          'Config.InvalidRoute',
          `${where}: host ${JSON.stringify(route.host)} is not a host name or *.domain pattern`,
        );
      }
      const wildcard = host.startsWith('*.');
      return { route, host: wildcard ? host.slice(1) : host, wildcard };
    });
  }

  /** The first route whose host (if set) and version (if set) match; `host` as hostNameOf gives it. */
  match(host: string | undefined, version: string | undefined): GatewayRoute | undefined {
    for (const { route, host: pattern, wildcard } of this.#routes) {
      if (route.version !== undefined && route.version !== version) continue;
      if (pattern !== undefined) {
        if (host === undefined) continue;
        if (wildcard) {
          // `*.example.com` is one label before `.example.com`.
          const label = host.length - pattern.length;
          if (label <= 0 || !host.endsWith(pattern) || host.lastIndexOf('.', label - 1) >= 0) continue;
        } else if (host !== pattern) continue;
      }
      return route;
    }
    return undefined;
  }

  /**
   * The service code of a request: its route's, else the product of a version KeyFence knows
   * (`ims`, `sts`…), else the first label of its host (`ecs` for `ecs.cn-hangzhou.aliyuncs.com`)
   * when that is a service code; null when none applies (no exemption can then match).
   */
  serviceOf(host: string | undefined, version: string | undefined): string | null {
    const route = this.match(host, version);
    if (route !== undefined) return route.service;
    const product = productOfVersion(version);
    if (product !== undefined) return SERVICE_OF[product];
    if (host === undefined) return null;
    const dot = host.indexOf('.');
    const label = dot < 0 ? host : host.slice(0, dot);
    return serviceCode.test(label) ? label : null;
  }
}
