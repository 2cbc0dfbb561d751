/**
 * PROXY protocol headers written the way load balancers write them, independently of the parser
 * under test: v1 lines and v2 binary headers with any TLVs, optionally checksummed.
 */
import { parseAddress } from '../../src/net/address.js';
import { crc32c } from '../../src/request/source/proxy-protocol/crc32c.js';

export const V2_SIGNATURE = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface Tlv {
  readonly type: number;
  readonly value: Buffer;
}

export interface V2Spec {
  /** Default `proxy`. */
  readonly command?: 'proxy' | 'local';
  /** Default 2. */
  readonly version?: number;
  /** Default: TCP over the source's family (0x11 or 0x21), or 0x00 without a source. */
  readonly familyTransport?: number;
  readonly source?: Endpoint;
  readonly destination?: Endpoint;
  /** Raw bytes in place of the address block the family implies. */
  readonly addressBlock?: Buffer;
  readonly tlvs?: readonly Tlv[];
  /** Appends a CRC32C TLV holding the right checksum (or this value). */
  readonly crc?: true | number;
}

export function v1(line: string): Buffer {
  return Buffer.from(line, 'latin1');
}

export function tlv(type: number, value: Buffer | string): Tlv {
  return { type, value: typeof value === 'string' ? Buffer.from(value, 'latin1') : value };
}

/** AWS's TLV (0xEA) with subtype 0x01: the VPC endpoint ID the connection came through. */
export function awsVpceTlv(id: string): Tlv {
  return tlv(0xea, Buffer.concat([Buffer.from([0x01]), Buffer.from(id, 'latin1')]));
}

function addressBytes(address: string, family: 4 | 6): Buffer {
  const parsed = parseAddress(address);
  if (!parsed.ok) throw new Error(`test address ${address}: ${parsed.error.message}`);
  const out = Buffer.alloc(family === 4 ? 4 : 16);
  if (family === 4) {
    if (parsed.value.family !== 4) throw new Error(`${address} is not IPv4`);
    out.writeUInt32BE(parsed.value.value, 0);
  } else if (parsed.value.family === 4) {
    out.writeUInt16BE(0xffff, 10);
    out.writeUInt32BE(parsed.value.value, 12);
  } else {
    for (const [i, word] of parsed.value.words.entries()) out.writeUInt32BE(word, 4 * i);
  }
  return out;
}

const encodeTlv = ({ type, value }: Tlv) =>
  Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 0xff]), value]);

export function v2(spec: V2Spec = {}): Buffer {
  const source = spec.source;
  const family = source === undefined ? undefined : source.address.includes(':') ? 6 : 4;
  const familyTransport = spec.familyTransport ?? (family === undefined ? 0x00 : family === 4 ? 0x11 : 0x21);
  let block = spec.addressBlock ?? Buffer.alloc(0);
  if (spec.addressBlock === undefined && source !== undefined && family !== undefined) {
    const destination = spec.destination ?? {
      address: family === 4 ? '192.0.2.1' : '2001:db8::1',
      port: 443,
    };
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(source.port, 0);
    ports.writeUInt16BE(destination.port, 2);
    block = Buffer.concat([
      addressBytes(source.address, family),
      addressBytes(destination.address, family),
      ports,
    ]);
  }
  const tlvs = (spec.tlvs ?? []).map(encodeTlv);
  const crcTlv = spec.crc === undefined ? [] : [encodeTlv(tlv(0x03, Buffer.alloc(4)))];
  const body = Buffer.concat([block, ...tlvs, ...crcTlv]);
  const fixed = Buffer.alloc(4);
  fixed[0] = ((spec.version ?? 2) << 4) | (spec.command === 'local' ? 0x0 : 0x1);
  fixed[1] = familyTransport;
  fixed.writeUInt16BE(body.length, 2);
  const header = Buffer.concat([V2_SIGNATURE, fixed, body]);
  if (spec.crc !== undefined) {
    const at = header.length - 4;
    header.writeUInt32BE(spec.crc === true ? crc32c(header) : spec.crc, at);
  }
  return header;
}
