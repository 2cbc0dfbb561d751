import { parseV1 } from './parse-v1.js';
import { parseV2, V2_SIGNATURE } from './parse-v2.js';
import type { ParseStep, ProxyFault, ProxyHeader, ProxyProtocolMode } from './proxy-header.js';
import { INCOMPLETE } from './proxy-header.js';

/** Reads the header of whichever version `mode` allows from the bytes received so far. */
export function parseProxyHeader(bytes: Buffer, mode: ProxyProtocolMode): ParseStep {
  if (bytes.length === 0) return INCOMPLETE;
  const v2 = mode === 'v2' || (mode === 'any' && bytes[0] === V2_SIGNATURE[0]);
  return v2 ? parseV2(bytes) : parseV1(bytes);
}

export type DecodeStep =
  | { readonly kind: 'incomplete' }
  /** `rest`: bytes received after the header, which belong to the application protocol. */
  | { readonly kind: 'header'; readonly header: ProxyHeader; readonly rest: Buffer }
  | { readonly kind: 'fault'; readonly fault: ProxyFault };

/**
 * Reads a header from a connection's first chunks, however TCP splits them. Memory stays bounded:
 * a v1 line is refused past 107 bytes, a v2 header past its declared (and capped) length.
 */
export class ProxyHeaderDecoder {
  readonly #mode: ProxyProtocolMode;
  #received: Buffer = Buffer.alloc(0);

  constructor(mode: ProxyProtocolMode) {
    this.#mode = mode;
  }

  push(chunk: Buffer): DecodeStep {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    const step = parseProxyHeader(this.#received, this.#mode);
    if (step.kind !== 'header') return step;
    return { kind: 'header', header: step.header, rest: this.#received.subarray(step.length) };
  }
}
