import { resolve } from 'node:path';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import { err, ok, type Result } from '../common/result.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import {
  list,
  MISSING,
  matching,
  parsedBy,
  section,
  shown,
  text,
  unlessProblemsIn,
  wholeNumber,
} from './config-values.js';
import type { GatewayConfig, GatewayRoute } from './keyfence-config.js';
import { isServiceCode } from './service-code.js';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ROUTE_HOST = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** `http://` or `https://host:port[/path]`, nothing more. */
function parseUpstream(text: string): Result<URL, string> {
  if (!URL.canParse(text)) return err(`${shown(text)} is not a URL`);
  const url = new URL(text);
  // Not echoed: the text would show the password.
  if (url.username !== '' || url.password !== '') return err('an upstream URL carries no user or password');
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return err(`${shown(text)}: only http:// and https:// upstreams are supported`);
  if (url.search !== '' || url.hash !== '')
    return err(`${shown(text)}: an upstream is scheme, host, port and an optional path only`);
  return ok(url);
}

const route = section({
  host: text()
    .transform((host) => host.toLowerCase())
    .refine((host) => ROUTE_HOST.test(host), {
      error: (issue) => `${shown(issue.input)} is not a host name (without port) or *.domain`,
    })
    .optional(),
  version: matching(
    (version) => API_VERSION.test(version),
    (version) => `${shown(version)} is not an API version such as 2014-05-26`,
  ).optional(),
  service: matching(
    isServiceCode,
    (code) => `${shown(code)} is not a service code such as ecs (lower case)`,
    'the service code decisions are made under is required',
  ),
  upstream: parsedBy(parseUpstream, 'the URL requests are forwarded to is required'),
})
  .refine((route) => route.host !== undefined || route.version !== undefined, {
    ...unlessProblemsIn(),
    error: 'a route needs host, version or both',
    ...MISSING,
  })
  .transform(({ host, version, service, upstream }): GatewayRoute => ({ host, version, service, upstream }));

/** `gateway`: its routes, tried in order, the upstream time limit, and a CA for https upstreams. */
export const gateway = section({
  routes: list(route).default([]),
  upstreamTimeoutMs: wholeNumber(MAX_MILLISECONDS).default(CONFIG_DEFAULTS.upstreamTimeoutMs),
  upstreamCa: text()
    .transform((file) => resolve(file))
    .optional(),
})
  .prefault({})
  .transform(
    ({ upstreamCa, ...rest }): GatewayConfig => ({
      ...rest,
      ...(upstreamCa === undefined ? {} : { upstreamCa }),
    }),
  );
