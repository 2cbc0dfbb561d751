/** Every byte as two upper-case hex digits: IDs are formatted by table, not by `toString(16)`. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).toUpperCase().padStart(2, '0'),
);
