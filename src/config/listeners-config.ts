import { resolve } from 'node:path';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import {
  check,
  choice,
  list,
  MISSING,
  type Problems,
  parsedBy,
  type Setting,
  section,
  text,
  unlessProblemsIn,
} from './config-values.js';
import { LISTENER_ROLES, type ListenerConfig, type ListenerTls } from './keyfence-config.js';
import { type ListenAddress, parseListenAddress } from './listen-address.js';
import { cidrs, vpcId } from './network-config.js';

// HOST:PORT is parsed by listen-address.ts, on src/net's address parser like every address in
// KeyFence; zod has no host-and-port format.
const listenAddress = (missing?: string) => parsedBy(parseListenAddress, missing);

const pemFile = text('a TLS listener needs both cert and key (PEM files)').transform((file) => resolve(file));

/** A listener's `tls`: `{cert, key}`, PEM file paths (read when the server starts). */
const tls = section({ cert: pemFile, key: pemFile });

const listener = section({
  listen: listenAddress('every listener needs its HOST:PORT'),
  role: choice(LISTENER_ROLES).default('api'),
  proxyProtocol: choice(['off', 'v1', 'v2', 'any']).default('off'),
  proxyProtocolFrom: cidrs().optional(),
  vpcEndpointOf: vpcId.optional(),
  tls: tls.optional(),
})
  // Not defaulted to trustedProxies: that list says whose X-Forwarded-For is believed, and the
  // clients a balancer forwards may sit in it. Without its own list the listener would refuse
  // every connection, health checks included, so it is refused here instead.
  .refine((listener) => listener.proxyProtocol === 'off' || (listener.proxyProtocolFrom?.size ?? 0) > 0, {
    ...unlessProblemsIn('proxyProtocol', 'proxyProtocolFrom'),
    path: ['proxyProtocolFrom'],
    error: `a proxyProtocol listener believes the header only from the addresses listed here: give the load balancer's (e.g. [10.0.0.5/32]), or every connection is refused`,
    ...MISSING,
  })
  .transform(
    ({ listen, role, proxyProtocol, proxyProtocolFrom, vpcEndpointOf, tls }): ListenerConfig => ({
      address: listen,
      role,
      proxyProtocol,
      vpcEndpointOf,
      ...(proxyProtocolFrom === undefined ? {} : { proxyProtocolFrom }),
      ...(tls === undefined ? {} : { tls }),
    }),
  );

const listeners = list(listener).min(1, { error: 'expected at least one listener' });

export interface ListenerSettings {
  /** `listen` in the file. */
  readonly fileListen: Setting | undefined;
  /** `listeners` in the file. */
  readonly fileListeners: Setting | undefined;
  /** `--listen` or `KEYFENCE_LISTEN`, whichever wins. */
  readonly override: Setting | undefined;
  /** `--tls-cert` or `KEYFENCE_TLS_CERT`: the certificate of the listener `--listen` sets. */
  readonly tlsCert: Setting | undefined;
  /** `--tls-key` or `KEYFENCE_TLS_KEY`: its private key. */
  readonly tlsKey: Setting | undefined;
}

/**
 * The listeners. Without `listeners`, one api listener on `listen` (default 127.0.0.1:8080).
 * With it, `--listen`/`KEYFENCE_LISTEN` replace the address of its first api listener (or add
 * one in front when it has none); `listen` and `listeners` together in the file are ambiguous.
 * `--tls-cert` and `--tls-key` (both or neither) give that same listener its TLS pair. Merged by
 * hand: the sources are checked one by one, each under its own name.
 */
export function readListeners(
  settings: ListenerSettings,
  problems: Problems,
): readonly ListenerConfig[] | undefined {
  const { fileListen, fileListeners, override } = settings;
  if (fileListen !== undefined && fileListeners !== undefined) {
    problems.add('Config.Conflict', 'listen', 'give either listen (one api listener) or listeners, not both');
  }
  const shorthand = override ?? fileListen ?? { value: CONFIG_DEFAULTS.listen, path: 'listen' };
  const shorthandAddress = check(listenAddress(), shorthand, problems);
  const flagTls = readFlagTls(settings, problems);
  if (fileListeners === undefined) {
    return shorthandAddress === undefined ? undefined : [withTls(apiListener(shorthandAddress), flagTls)];
  }

  const read = check(listeners, fileListeners, problems);
  if (read === undefined) return undefined;
  const paths = read.map((_, i) => `${fileListeners.path}[${i}].listen`);
  if (override !== undefined && shorthandAddress !== undefined) {
    const api = read.findIndex((listener) => listener.role === 'api');
    if (api < 0) {
      read.unshift(apiListener(shorthandAddress));
      paths.unshift(override.path);
    } else {
      read[api] = { ...read[api]!, address: shorthandAddress };
      paths[api] = override.path;
    }
  }
  if (flagTls !== undefined) {
    const api = read.findIndex((listener) => listener.role === 'api');
    if (api < 0) {
      return problems.invalid(
        settings.tlsCert!.path,
        'there is no api listener to serve with it (give --listen, or a listener with role api)',
      );
    }
    read[api] = withTls(read[api]!, flagTls);
  }
  return sameAddressTwice(read, paths, problems) ? undefined : read;
}

/** `--tls-cert` with `--tls-key`; one without the other is a problem. */
function readFlagTls(settings: ListenerSettings, problems: Problems): ListenerTls | undefined {
  const { tlsCert, tlsKey } = settings;
  if (tlsCert === undefined && tlsKey === undefined) return undefined;
  if (tlsCert === undefined || tlsKey === undefined) {
    const [given, missing] =
      tlsCert === undefined ? [tlsKey!.path, '--tls-cert'] : [tlsCert.path, '--tls-key'];
    return problems.add('Config.Missing', missing, `${given} needs ${missing} too (both or neither)`);
  }
  const cert = check(pemFile, tlsCert, problems);
  const key = check(pemFile, tlsKey, problems);
  return cert === undefined || key === undefined ? undefined : { cert, key };
}

function withTls(listener: ListenerConfig, tls: ListenerTls | undefined): ListenerConfig {
  return tls === undefined ? listener : { ...listener, tls };
}

function apiListener(address: ListenAddress): ListenerConfig {
  return { address, role: 'api', proxyProtocol: 'off', vpcEndpointOf: undefined };
}

/** Two listeners on one fixed address would fail to bind; said here, with both names. */
function sameAddressTwice(
  listeners: readonly ListenerConfig[],
  paths: readonly string[],
  problems: Problems,
): boolean {
  let found = false;
  for (let j = 1; j < listeners.length; j++) {
    const { host, port } = listeners[j]!.address;
    if (port === 0) continue;
    const i = listeners.findIndex((other) => other.address.host === host && other.address.port === port);
    if (i < j) {
      problems.invalid(paths[j]!, `the same address as ${paths[i]!}`);
      found = true;
    }
  }
  return found;
}
