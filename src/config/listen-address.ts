import type { AddressInfo } from 'node:net';
import { err, ok, type Result } from '../common/result.js';
import { parseAddress } from '../net/address.js';

/** Where the server listens: `HOST:PORT`, IPv6 hosts in brackets (`[::1]:8080`). Port 0 picks a free port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const hostName =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parses `--listen`; the error is a sentence for the command line. */
export function parseListenAddress(text: string): Result<ListenAddress, string> {
  const shape = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (shape === null) {
    return err(`${JSON.stringify(text)} is not HOST:PORT (write an IPv6 host in brackets: [::1]:8080)`);
  }
  const [, bracketed, plain, portText] = shape;
  const port = Number(portText);
  if (port > 65_535) return err(`port ${portText} is not in 0..65535`);
  if (bracketed !== undefined) {
    const address = parseAddress(bracketed);
    if (!address.ok || !bracketed.includes(':')) {
      return err(`${JSON.stringify(bracketed)} in brackets is not an IPv6 address`);
    }
    return ok({ host: bracketed, port });
  }
  const host = plain!;
  if (/^[0-9.]+$/.test(host)) {
    const address = parseAddress(host);
    if (!address.ok) return err(address.error.message);
    return ok({ host, port });
  }
  if (!hostName.test(host)) return err(`${JSON.stringify(host)} is not an IPv4 address or a host name`);
  return ok({ host, port });
}

/** The URL clients use for a bound socket: `http://127.0.0.1:8080`, `https://[::1]:8443`. */
export function listenUrl(address: AddressInfo, scheme: 'http' | 'https' = 'http'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}
