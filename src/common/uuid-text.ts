const DIGITS = Buffer.from('0123456789ABCDEF', 'latin1');
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
/** Where each of the 16 bytes' two digits go in the 36 characters. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34] as const;

/**
 * The 16 bytes from `bytes[offset]` as an upper-case UUID (the shape of Alibaba's RequestId and
 * ActionTrail's EventId), its version nibble set to `version` and its variant to RFC 9562's.
 * The digits are written into one buffer and read back as one string: built by concatenation, an
 * ID is a rope of twenty pieces that costs as much again to flatten when it is written out, and
 * that is paid on every request.
 */
export function uuidText(bytes: Uint8Array, offset: number, version: number): string {
  for (let i = 0; i < 16; i++) {
    let byte = bytes[offset + i]!;
    if (i === 6) byte = (byte & 0x0f) | (version << 4);
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    const at = AT[i]!;
    text[at] = DIGITS[byte >>> 4]!;
    text[at + 1] = DIGITS[byte & 0x0f]!;
  }
  return text.toString('latin1', 0, 36);
}
