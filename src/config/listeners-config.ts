import { resolve } from 'node:path';
import { isVpcId } from '../policy/vpc-id.js';
import type { TrustedProxies } from '../request/source/trusted-proxies.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import {
  indexPath,
  keyPath,
  type Problems,
  readArray,
  readChoice,
  readObject,
  readString,
  type Setting,
  shown,
} from './config-values.js';
import type { ListenerConfig, ListenerTls } from './keyfence-config.js';
import { type ListenAddress, parseListenAddress } from './listen-address.js';
import { readTrustedProxies } from './network-config.js';

const LISTENER_KEYS = [
  'listen',
  'role',
  'proxyProtocol',
  'proxyProtocolFrom',
  'vpcEndpointOf',
  'tls',
] as const;
const ROLES = ['api', 'gateway'] as const;
const PROXY_PROTOCOLS = ['off', 'v1', 'v2', 'any'] as const;

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
 * `--tls-cert` and `--tls-key` (both or neither) give that same listener its TLS pair.
 */
export function readListeners(
  settings: ListenerSettings,
  problems: Problems,
): readonly ListenerConfig[] | undefined {
  const { fileListen, fileListeners, override } = settings;
  if (fileListen !== undefined && fileListeners !== undefined) {
    problems.add('Config.Conflict', 'listen', 'give either listen (one api listener) or listeners, not both');
  }
  const shorthand = override ?? fileListen;
  const shorthandAddress = readAddress(
    shorthand ?? { value: CONFIG_DEFAULTS.listen, path: 'listen' },
    problems,
  );
  const flagTls = readFlagTls(settings, problems);
  if (fileListeners === undefined) {
    return shorthandAddress === undefined ? undefined : [withTls(apiListener(shorthandAddress), flagTls)];
  }

  const list = readArray(fileListeners.value, fileListeners.path, problems);
  if (list === undefined) return undefined;
  if (list.length === 0) return problems.invalid(fileListeners.path, 'expected at least one listener');
  const read = list.map((value, i) => readListener(value, indexPath(fileListeners.path, i), problems));
  if (read.some((listener) => listener === undefined)) return undefined;
  const listeners = read as ListenerConfig[];
  const paths = listeners.map((_, i) => keyPath(indexPath(fileListeners.path, i), 'listen'));
  if (override !== undefined && shorthandAddress !== undefined) {
    const api = listeners.findIndex((listener) => listener.role === 'api');
    if (api < 0) {
      listeners.unshift(apiListener(shorthandAddress));
      paths.unshift(override.path);
    } else {
      listeners[api] = { ...listeners[api]!, address: shorthandAddress };
      paths[api] = override.path;
    }
  }
  if (flagTls !== undefined) {
    const api = listeners.findIndex((listener) => listener.role === 'api');
    if (api < 0) {
      return problems.invalid(
        settings.tlsCert!.path,
        'there is no api listener to serve with it (give --listen, or a listener with role api)',
      );
    }
    listeners[api] = withTls(listeners[api]!, flagTls);
  }
  return sameAddressTwice(listeners, paths, problems) ? undefined : listeners;
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
  const cert = readString(tlsCert.value, tlsCert.path, problems);
  const key = readString(tlsKey.value, tlsKey.path, problems);
  return cert === undefined || key === undefined ? undefined : { cert: resolve(cert), key: resolve(key) };
}

function withTls(listener: ListenerConfig, tls: ListenerTls | undefined): ListenerConfig {
  return tls === undefined ? listener : { ...listener, tls };
}

/** A listener's `tls`: `{cert, key}`, PEM file paths (read when the server starts). */
function readTls(value: unknown, path: string, problems: Problems): ListenerTls | undefined {
  const object = readObject(value, path, ['cert', 'key'], problems);
  if (object === undefined) return undefined;
  const file = (name: 'cert' | 'key') =>
    object[name] === undefined
      ? problems.add(
          'Config.Missing',
          keyPath(path, name),
          'a TLS listener needs both cert and key (PEM files)',
        )
      : readString(object[name], keyPath(path, name), problems);
  const cert = file('cert');
  const key = file('key');
  return cert === undefined || key === undefined ? undefined : { cert: resolve(cert), key: resolve(key) };
}

function apiListener(address: ListenAddress): ListenerConfig {
  return { address, role: 'api', proxyProtocol: 'off', vpcEndpointOf: undefined };
}

function readAddress(setting: Setting, problems: Problems): ListenAddress | undefined {
  const text = readString(setting.value, setting.path, problems);
  if (text === undefined) return undefined;
  const parsed = parseListenAddress(text);
  return parsed.ok ? parsed.value : problems.invalid(setting.path, parsed.error);
}

function readListener(value: unknown, path: string, problems: Problems): ListenerConfig | undefined {
  const object = readObject(value, path, LISTENER_KEYS, problems);
  if (object === undefined) return undefined;
  const listenPath = keyPath(path, 'listen');
  const address =
    object.listen === undefined
      ? problems.add('Config.Missing', listenPath, 'every listener needs its HOST:PORT')
      : readAddress({ value: object.listen, path: listenPath }, problems);
  const role =
    object.role === undefined ? 'api' : readChoice(object.role, keyPath(path, 'role'), ROLES, problems);
  const proxyProtocol =
    object.proxyProtocol === undefined
      ? 'off'
      : readChoice(object.proxyProtocol, keyPath(path, 'proxyProtocol'), PROXY_PROTOCOLS, problems);
  const vpcPath = keyPath(path, 'vpcEndpointOf');
  let vpcEndpointOf: string | undefined;
  if (object.vpcEndpointOf !== undefined) {
    vpcEndpointOf = readString(object.vpcEndpointOf, vpcPath, problems);
    if (vpcEndpointOf !== undefined && !isVpcId(vpcEndpointOf)) {
      vpcEndpointOf = problems.invalid(
        vpcPath,
        `${shown(vpcEndpointOf)} is not a VPC ID such as vpc-bp1234567890abcdef`,
      );
    }
    if (vpcEndpointOf === undefined) return undefined;
  }
  const fromPath = keyPath(path, 'proxyProtocolFrom');
  let proxyProtocolFrom: TrustedProxies | undefined;
  if (object.proxyProtocolFrom !== undefined) {
    proxyProtocolFrom = readTrustedProxies(
      { value: object.proxyProtocolFrom, path: fromPath, indexed: true },
      'x-forwarded-for',
      problems,
    );
    if (proxyProtocolFrom === undefined) return undefined;
  }
  // Not defaulted to trustedProxies: that list says whose X-Forwarded-For is believed, and the
  // clients a balancer forwards may sit in it. Without its own list the listener would refuse
  // every connection, health checks included, so it is refused here instead.
  if (proxyProtocol !== undefined && proxyProtocol !== 'off' && (proxyProtocolFrom?.size ?? 0) === 0) {
    return problems.add(
      'Config.Missing',
      fromPath,
      `a proxyProtocol listener believes the header only from the addresses listed here: give the load balancer's (e.g. [10.0.0.5/32]), or every connection is refused`,
    );
  }
  let tls: ListenerTls | undefined;
  if (object.tls !== undefined) {
    tls = readTls(object.tls, keyPath(path, 'tls'), problems);
    if (tls === undefined) return undefined;
  }
  if (address === undefined || role === undefined || proxyProtocol === undefined) return undefined;
  return {
    address,
    role,
    proxyProtocol,
    vpcEndpointOf,
    ...(proxyProtocolFrom === undefined ? {} : { proxyProtocolFrom }),
    ...(tls === undefined ? {} : { tls }),
  };
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
