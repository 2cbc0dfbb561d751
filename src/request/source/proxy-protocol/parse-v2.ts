import { formatAddress } from '../../../net/address.js';
import { crc32c } from './crc32c.js';
import { parseTlvs } from './parse-tlvs.js';
import { fault, INCOMPLETE, type ParseStep, type ProxyEndpoint } from './proxy-header.js';

/** The 12 bytes every v2 header starts with. */
export const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const FIXED = 16;
/**
 * The largest v2 header KeyFence reads. The protocol allows 16 + 65 535 bytes; real headers (AWS
 * NLB, HAProxy, nginx, Envoy) are a few hundred bytes, and every byte waits in memory until the
 * header is complete.
 */
export const V2_MAX_BYTES = 4096;

const LOCAL = 0x0;
const PROXY = 0x1;

/** Family and transport byte → the size of its address block (PROXY protocol §2.2). */
const ADDRESS_BYTES: ReadonlyMap<number, number> = new Map([
  [0x00, 0], // AF_UNSPEC, UNSPEC
  [0x11, 12], // AF_INET, STREAM
  [0x21, 36], // AF_INET6, STREAM
  [0x31, 216], // AF_UNIX, STREAM
]);

/**
 * Reads a v2 header: signature, version 2, LOCAL or PROXY, family, length, the address block,
 * TLVs. Only stream transports are taken (the listener is TCP). LOCAL headers (load-balancer
 * health checks) keep the connection's own endpoints and their block is skipped unread, as the
 * specification says. The CRC32C TLV, when present, must match.
 */
export function parseV2(bytes: Buffer): ParseStep {
  const prefix = Math.min(bytes.length, V2_SIGNATURE.length);
  if (bytes.compare(V2_SIGNATURE, 0, prefix, 0, prefix) !== 0) {
    return fault('ProxyProtocol.NotAHeader', 'the connection does not start with a PROXY v2 signature');
  }
  if (bytes.length < FIXED) return INCOMPLETE;
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) {
    return fault('ProxyProtocol.Unsupported', `version ${versionCommand >> 4} in a v2 signature`);
  }
  const command = versionCommand & 0x0f;
  if (command !== LOCAL && command !== PROXY) {
    return fault('ProxyProtocol.Unsupported', `command 0x${command.toString(16)} is neither LOCAL nor PROXY`);
  }
  const length = FIXED + bytes.readUInt16BE(14);
  if (length > V2_MAX_BYTES) {
    return fault(
      'ProxyProtocol.TooLong',
      `a ${length}-byte v2 header; KeyFence reads at most ${V2_MAX_BYTES}`,
    );
  }
  if (bytes.length < length) return INCOMPLETE;
  if (command === LOCAL) {
    return {
      kind: 'header',
      header: {
        version: 2,
        command: 'local',
        source: undefined,
        destination: undefined,
        tlvs: [],
        vpcEndpointId: undefined,
      },
      length,
    };
  }

  const familyTransport = bytes[13]!;
  const addressBytes = ADDRESS_BYTES.get(familyTransport);
  if (addressBytes === undefined) {
    return fault(
      'ProxyProtocol.Unsupported',
      `family and transport 0x${familyTransport.toString(16).padStart(2, '0')}: only TCP over IPv4 or IPv6, UNIX streams or UNSPEC`,
    );
  }
  if (length - FIXED < addressBytes) {
    return fault(
      'ProxyProtocol.Malformed',
      `the length leaves ${length - FIXED} bytes for a ${addressBytes}-byte address block`,
    );
  }
  const tlvs = parseTlvs(bytes, FIXED + addressBytes, length);
  if ('code' in tlvs) return { kind: 'fault', fault: tlvs };
  if (tlvs.crcAt !== undefined) {
    const expected = bytes.readUInt32BE(tlvs.crcAt);
    const copy = Buffer.from(bytes.subarray(0, length));
    copy.fill(0, tlvs.crcAt, tlvs.crcAt + 4);
    if (crc32c(copy) !== expected) {
      return fault('ProxyProtocol.ChecksumMismatch', 'the CRC32C TLV does not match the header');
    }
  }
  const [source, destination] = endpoints(bytes, familyTransport);
  return {
    kind: 'header',
    header: {
      version: 2,
      command: 'proxy',
      source,
      destination,
      tlvs: tlvs.tlvs,
      vpcEndpointId: tlvs.vpcEndpointId,
    },
    length,
  };
}

function endpoints(
  bytes: Buffer,
  familyTransport: number,
): [ProxyEndpoint | undefined, ProxyEndpoint | undefined] {
  if (familyTransport === 0x11) {
    return [
      { address: formatAddress({ family: 4, value: bytes.readUInt32BE(16) }), port: bytes.readUInt16BE(24) },
      { address: formatAddress({ family: 4, value: bytes.readUInt32BE(20) }), port: bytes.readUInt16BE(26) },
    ];
  }
  if (familyTransport === 0x21) {
    return [
      { address: ipv6At(bytes, 16), port: bytes.readUInt16BE(48) },
      { address: ipv6At(bytes, 32), port: bytes.readUInt16BE(50) },
    ];
  }
  // UNSPEC and UNIX name no IP endpoint.
  return [undefined, undefined];
}

/** An IPv6 address from 16 bytes; IPv4-mapped ones as the IPv4 address they are. */
function ipv6At(bytes: Buffer, at: number): string {
  const words = [
    bytes.readUInt32BE(at),
    bytes.readUInt32BE(at + 4),
    bytes.readUInt32BE(at + 8),
    bytes.readUInt32BE(at + 12),
  ] as const;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff)
    return formatAddress({ family: 4, value: words[3] });
  return formatAddress({ family: 6, words });
}
