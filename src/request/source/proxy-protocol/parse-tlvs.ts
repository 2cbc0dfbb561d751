import { isVpcEndpointId, type ProxyFault, type ProxyTlv } from './proxy-header.js';

/** The TLV types KeyFence reads or checks (PROXY protocol §2.2.1-2.2.8, and AWS's). */
export const TLV = Object.freeze({
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  NETNS: 0x30,
  AWS: 0xea,
});

/** AWS's subtype of its TLV that carries the VPC endpoint ID. */
export const AWS_VPCE_ID = 0x01;

const UNIQUE_ID_MAX = 128;
/** PP2_TYPE_SSL: client (1 byte) and verify (4 bytes) before its sub-TLVs. */
const SSL_FIXED = 5;

export interface ParsedTlvs {
  readonly tlvs: readonly ProxyTlv[];
  readonly vpcEndpointId: string | undefined;
  /** Offset (in the bytes given) of the CRC32C TLV's value, when there is one. */
  readonly crcAt: number | undefined;
}

/**
 * Reads the TLVs filling `bytes[start, end)` exactly. Every TLV is bound-checked; the ones
 * KeyFence relies on (CRC32C, the AWS VPC endpoint ID) or whose shape the specification fixes are
 * checked, and may appear once; any other type is kept as it is and otherwise ignored.
 */
export function parseTlvs(bytes: Buffer, start: number, end: number): ParsedTlvs | ProxyFault {
  const tlvs: ProxyTlv[] = [];
  let vpcEndpointId: string | undefined;
  let crcAt: number | undefined;
  const walked = walk(bytes, start, end, (type, at, length) => {
    const value = bytes.subarray(at, at + length);
    tlvs.push({ type, value });
    switch (type) {
      case TLV.CRC32C:
        if (length !== 4) return 'the CRC32C TLV is not 4 bytes';
        if (crcAt !== undefined) return 'two CRC32C TLVs';
        crcAt = at;
        return undefined;
      case TLV.UNIQUE_ID:
        return length > UNIQUE_ID_MAX ? `the UNIQUE_ID TLV is longer than ${UNIQUE_ID_MAX} bytes` : undefined;
      case TLV.SSL: {
        if (length < SSL_FIXED) return 'the SSL TLV is shorter than its 5 fixed bytes';
        const inner = walk(bytes, at + SSL_FIXED, at + length, () => undefined);
        return inner === undefined ? undefined : `in the SSL TLV: ${inner}`;
      }
      case TLV.AWS: {
        if (length < 1) return 'the AWS TLV has no subtype';
        if (value[0] !== AWS_VPCE_ID) return undefined;
        if (vpcEndpointId !== undefined) return 'two AWS VPC endpoint ID TLVs';
        const id = value.toString('latin1', 1);
        if (!isVpcEndpointId(id))
          return `the AWS TLV's VPC endpoint ID ${JSON.stringify(id.slice(0, 64))} is not one`;
        vpcEndpointId = id;
        return undefined;
      }
      default:
        return undefined;
    }
  });
  if (walked !== undefined) return { code: 'ProxyProtocol.InvalidTlv', message: walked };
  return { tlvs, vpcEndpointId, crcAt };
}

/**
 * Calls `visit` for each TLV of `bytes[start, end)`; the first problem (its own or `visit`'s)
 * stops the walk and is returned.
 */
function walk(
  bytes: Buffer,
  start: number,
  end: number,
  visit: (type: number, at: number, length: number) => string | undefined,
): string | undefined {
  let at = start;
  while (at < end) {
    if (end - at < 3) return `${end - at} byte(s) left where a TLV needs at least 3`;
    const type = bytes[at]!;
    const length = bytes.readUInt16BE(at + 1);
    if (at + 3 + length > end) {
      return `TLV 0x${type.toString(16).padStart(2, '0')} of ${length} bytes runs past the header`;
    }
    const problem = visit(type, at + 3, length);
    if (problem !== undefined) return problem;
    at += 3 + length;
  }
  return undefined;
}
