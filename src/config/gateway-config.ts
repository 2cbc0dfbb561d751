import { resolve } from 'node:path';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import {
  indexPath,
  keyPath,
  type Problems,
  readArray,
  readObject,
  readPositiveInteger,
  readString,
  shown,
} from './config-values.js';
import type { GatewayConfig, GatewayRoute } from './keyfence-config.js';
import { isServiceCode } from './service-code.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ROUTE_HOST = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** `gateway`: its routes, tried in order, the upstream time limit, and a CA for https upstreams. */
export function readGateway(value: unknown, problems: Problems): GatewayConfig {
  const defaults: GatewayConfig = { routes: [], upstreamTimeoutMs: CONFIG_DEFAULTS.upstreamTimeoutMs };
  if (value === undefined) return defaults;
  const object = readObject(value, 'gateway', ['routes', 'upstreamTimeoutMs', 'upstreamCa'], problems);
  if (object === undefined) return defaults;
  const routes: GatewayRoute[] = [];
  if (object.routes !== undefined) {
    const list = readArray(object.routes, 'gateway.routes', problems) ?? [];
    list.forEach((route, i) => {
      const read = readRoute(route, indexPath('gateway.routes', i), problems);
      if (read !== undefined) routes.push(read);
    });
  }
  const upstreamTimeoutMs =
    object.upstreamTimeoutMs === undefined
      ? defaults.upstreamTimeoutMs
      : readPositiveInteger(
          object.upstreamTimeoutMs,
          'gateway.upstreamTimeoutMs',
          problems,
          MAX_MILLISECONDS,
        );
  const upstreamCa =
    object.upstreamCa === undefined
      ? undefined
      : readString(object.upstreamCa, 'gateway.upstreamCa', problems);
  return {
    routes,
    upstreamTimeoutMs: upstreamTimeoutMs ?? defaults.upstreamTimeoutMs,
    ...(upstreamCa === undefined ? {} : { upstreamCa: resolve(upstreamCa) }),
  };
}

function readRoute(value: unknown, path: string, problems: Problems): GatewayRoute | undefined {
  const object = readObject(value, path, ['host', 'version', 'service', 'upstream'], problems);
  if (object === undefined) return undefined;
  const problemsBefore = problems.list.length;
  let host: string | undefined;
  if (object.host !== undefined) {
    const text = readString(object.host, keyPath(path, 'host'), problems)?.toLowerCase();
    if (text !== undefined && ROUTE_HOST.test(text)) host = text;
    else if (text !== undefined)
      problems.invalid(keyPath(path, 'host'), `${shown(text)} is not a host name (without port) or *.domain`);
  }
  let version: string | undefined;
  if (object.version !== undefined) {
    const text = readString(object.version, keyPath(path, 'version'), problems);
    if (text !== undefined && API_VERSION.test(text)) version = text;
    else if (text !== undefined)
      problems.invalid(keyPath(path, 'version'), `${shown(text)} is not an API version such as 2014-05-26`);
  }
  if (object.host === undefined && object.version === undefined) {
    problems.add('Config.Missing', path, 'a route needs host, version or both');
  }
  const servicePath = keyPath(path, 'service');
  const service =
    object.service === undefined
      ? problems.add('Config.Missing', servicePath, 'the service code decisions are made under is required')
      : readString(object.service, servicePath, problems);
  if (service !== undefined && !isServiceCode(service)) {
    problems.invalid(servicePath, `${shown(service)} is not a service code such as ecs (lower case)`);
  }
  const upstreamPath = keyPath(path, 'upstream');
  const upstream =
    object.upstream === undefined
      ? problems.add('Config.Missing', upstreamPath, 'the URL requests are forwarded to is required')
      : readUpstream(object.upstream, upstreamPath, problems);
  if (problems.list.length > problemsBefore || service === undefined || upstream === undefined)
    return undefined;
  return { host, version, service, upstream };
}

function readUpstream(value: unknown, path: string, problems: Problems): URL | undefined {
  const text = readString(value, path, problems);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problems.invalid(path, `${shown(text)} is not a URL`);
  }
  // Not echoed: the text would show the password.
  if (url.username !== '' || url.password !== '')
    return problems.invalid(path, 'an upstream URL carries no user or password');
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return problems.invalid(path, `${shown(text)}: only http:// and https:// upstreams are supported`);
  if (url.search !== '' || url.hash !== '') {
    return problems.invalid(
      path,
      `${shown(text)}: an upstream is scheme, host, port and an optional path only`,
    );
  }
  return url;
}
