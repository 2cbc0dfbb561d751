import { formatAddress, parseAddress } from '../../../net/address.js';
import { fault, INCOMPLETE, type ParseStep, type ProxyEndpoint } from './proxy-header.js';

/** The longest v1 line the specification allows, CRLF included. */
export const V1_MAX_BYTES = 107;

const PREFIX = Buffer.from('PROXY ', 'latin1');
const CR = 0x0d;
const LF = 0x0a;
const PORT = /^(?:0|[1-9][0-9]{0,4})$/;

/**
 * Reads a v1 header: `PROXY TCP4|TCP6 src dst sport dport\r\n` or `PROXY UNKNOWN…\r\n`, single
 * spaces, at most 107 bytes. Bytes that can no longer become a header are refused at once, so a
 * client speaking something else is turned away without waiting for the time limit.
 */
export function parseV1(bytes: Buffer): ParseStep {
  const prefix = Math.min(bytes.length, PREFIX.length);
  if (bytes.compare(PREFIX, 0, prefix, 0, prefix) !== 0) {
    return fault('ProxyProtocol.NotAHeader', 'the connection does not start with a PROXY v1 header');
  }
  // The CR may sit at most at V1_MAX_BYTES - 2, leaving room for the LF.
  const limit = Math.min(bytes.length, V1_MAX_BYTES - 1);
  let end = -1;
  for (let i = PREFIX.length; i < limit; i++) {
    const c = bytes[i]!;
    if (c === CR) {
      if (i + 1 === bytes.length) return INCOMPLETE;
      if (bytes[i + 1] !== LF)
        return fault('ProxyProtocol.Malformed', 'a CR in the v1 header is not followed by LF');
      end = i;
      break;
    }
    if (c < 0x20 || c > 0x7e) {
      return fault(
        'ProxyProtocol.Malformed',
        `the v1 header holds the byte 0x${c.toString(16).padStart(2, '0')}`,
      );
    }
  }
  if (end < 0) {
    return bytes.length >= V1_MAX_BYTES - 1
      ? fault('ProxyProtocol.TooLong', `no CRLF within the ${V1_MAX_BYTES} bytes a v1 header may take`)
      : INCOMPLETE;
  }
  const fields = bytes.toString('latin1', PREFIX.length, end).split(' ');
  const length = end + 2;
  const protocol = fields[0];
  // The specification has the receiver ignore whatever follows UNKNOWN.
  if (protocol === 'UNKNOWN') return v1Header(undefined, undefined, length);
  if (protocol !== 'TCP4' && protocol !== 'TCP6') {
    return fault('ProxyProtocol.Malformed', `${JSON.stringify(protocol)} is not TCP4, TCP6 or UNKNOWN`);
  }
  if (fields.length !== 5) {
    return fault(
      'ProxyProtocol.Malformed',
      'a v1 TCP header has exactly: protocol, source, destination, source port, destination port, one space apart',
    );
  }
  const [, sourceText, destinationText, sourcePort, destinationPort] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const source = endpoint(protocol, sourceText, sourcePort);
  if (typeof source === 'string') return fault('ProxyProtocol.Malformed', `source: ${source}`);
  const destination = endpoint(protocol, destinationText, destinationPort);
  if (typeof destination === 'string') return fault('ProxyProtocol.Malformed', `destination: ${destination}`);
  return v1Header(source, destination, length);
}

function v1Header(
  source: ProxyEndpoint | undefined,
  destination: ProxyEndpoint | undefined,
  length: number,
): ParseStep {
  return {
    kind: 'header',
    header: { version: 1, command: 'proxy', source, destination, tlvs: [], vpcEndpointId: undefined },
    length,
  };
}

/** The endpoint, or why it is not one. */
function endpoint(protocol: 'TCP4' | 'TCP6', address: string, port: string): ProxyEndpoint | string {
  // TCP4 takes dotted IPv4 only, TCP6 IPv6 text only (an IPv4-mapped one included).
  const parsed = parseAddress(address);
  if (!parsed.ok) return parsed.error.message;
  if (address.includes(':') !== (protocol === 'TCP6')) {
    return `${JSON.stringify(address)} is not an ${protocol === 'TCP4' ? 'IPv4' : 'IPv6'} address`;
  }
  const number = Number(port);
  if (!PORT.test(port) || number > 65_535) return `port ${JSON.stringify(port)} is not a decimal in 0..65535`;
  return { address: formatAddress(parsed.value), port: number };
}
