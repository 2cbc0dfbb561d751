/**
 * Why an address, CIDR or prefix was refused. The scanners return these as negative numbers so
 * that the hot path never allocates; `describeFault` turns one into a stable code and a sentence.
 */
export const Fault = {
  Empty: -1,
  TooLong: -2,
  Whitespace: -3,
  InvalidCharacter: -4,
  IPv4PartCount: -5,
  IPv4EmptyPart: -6,
  IPv4LeadingZero: -7,
  IPv4OctetRange: -8,
  IPv6GroupTooLong: -9,
  IPv6GroupCount: -10,
  IPv6MultipleDoubleColon: -11,
  IPv6ZoneId: -12,
  IPv6EmbeddedIPv4: -13,
  IPv6EmptyGroup: -14,
  PrefixNotDecimal: -15,
  PrefixOutOfRange: -16,
  MappedPrefixTooShort: -17,
} as const;

export type FaultNumber = (typeof Fault)[keyof typeof Fault];

export interface FaultDescription {
  /** Stable machine-readable code, e.g. `Address.IPv4.LeadingZero`. */
  readonly code: string;
  readonly reason: string;
}

const descriptions: Record<FaultNumber, FaultDescription> = {
  [Fault.Empty]: { code: 'Address.Empty', reason: 'is empty' },
  [Fault.TooLong]: { code: 'Address.TooLong', reason: 'is longer than any address or CIDR can be' },
  [Fault.Whitespace]: { code: 'Address.Whitespace', reason: 'contains whitespace' },
  [Fault.InvalidCharacter]: {
    code: 'Address.InvalidCharacter',
    reason: 'contains a character that an address cannot have at that position',
  },
  [Fault.IPv4PartCount]: {
    code: 'Address.IPv4.PartCount',
    reason: 'is not four dotted decimal parts (short, integer and inet_aton forms are not accepted)',
  },
  [Fault.IPv4EmptyPart]: { code: 'Address.IPv4.EmptyPart', reason: 'has an empty IPv4 part' },
  [Fault.IPv4LeadingZero]: {
    code: 'Address.IPv4.LeadingZero',
    reason: 'has an IPv4 part with a leading zero (ambiguous: octal in some parsers, decimal in others)',
  },
  [Fault.IPv4OctetRange]: {
    code: 'Address.IPv4.OctetRange',
    reason: 'has an IPv4 part that is not a decimal number from 0 to 255',
  },
  [Fault.IPv6GroupTooLong]: {
    code: 'Address.IPv6.GroupTooLong',
    reason: 'has an IPv6 group of more than four hex digits',
  },
  [Fault.IPv6GroupCount]: {
    code: 'Address.IPv6.GroupCount',
    reason: 'does not have eight IPv6 groups (or fewer with one "::")',
  },
  [Fault.IPv6MultipleDoubleColon]: {
    code: 'Address.IPv6.MultipleDoubleColon',
    reason: 'uses "::" more than once',
  },
  [Fault.IPv6ZoneId]: { code: 'Address.IPv6.ZoneId', reason: 'has a zone ID (%...), which is not allowed' },
  [Fault.IPv6EmbeddedIPv4]: {
    code: 'Address.IPv6.EmbeddedIPv4',
    reason: 'has an embedded IPv4 address that is malformed or not in the last 32 bits',
  },
  [Fault.IPv6EmptyGroup]: {
    code: 'Address.IPv6.EmptyGroup',
    reason: 'has an empty IPv6 group (a single ":" at the start or end, or ":::")',
  },
  [Fault.PrefixNotDecimal]: {
    code: 'Prefix.NotDecimal',
    reason: 'has a prefix length that is not plain decimal (no sign, no leading zero, no spaces)',
  },
  [Fault.PrefixOutOfRange]: {
    code: 'Prefix.OutOfRange',
    reason: 'has a prefix length outside 0-32 (IPv4) or 0-128 (IPv6)',
  },
  [Fault.MappedPrefixTooShort]: {
    code: 'Prefix.MappedTooShort',
    reason: 'is an IPv4-mapped IPv6 CIDR with a prefix shorter than /96, which would reach beyond IPv4',
  },
};

export function describeFault(fault: FaultNumber): FaultDescription {
  return descriptions[fault];
}

const UNICODE_SPACE = /^[\s\u0085]$/;

/** Classifies an unexpected character so the error says what is really wrong. Error path only. */
export function faultForCharacter(code: number): FaultNumber {
  if (UNICODE_SPACE.test(String.fromCharCode(code))) return Fault.Whitespace;
  if (code === 37 /* % */) return Fault.IPv6ZoneId;
  return Fault.InvalidCharacter;
}
