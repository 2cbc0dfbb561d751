import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ListenerConfig } from '../../config/keyfence-config.js';
import type { ProxyFault, ProxyFaultCode } from '../../request/source/proxy-protocol/proxy-header.js';

/**
 * Connections refused before HTTP for a missing, bad or late PROXY header: a client, scanner or
 * misconfigured proxy, never an error of ours. Counted by fault code (for metrics), logged at debug.
 */
export class ProxyFaults {
  readonly #counts = new Map<ProxyFaultCode, number>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  get counts(): ReadonlyMap<ProxyFaultCode, number> {
    return this.#counts;
  }

  refused(fault: ProxyFault, socket: Socket, listener: ListenerConfig): void {
    this.#counts.set(fault.code, (this.#counts.get(fault.code) ?? 0) + 1);
    this.#log.debug(
      { code: fault.code, reason: fault.message, peer: socket.remoteAddress, listener: listener.address },
      'connection refused: PROXY header',
    );
  }
}
