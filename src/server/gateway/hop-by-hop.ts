/**
 * Fields that describe one connection, not the message (RFC 9110 §7.6.1): never forwarded,
 * whichever way the message goes. `proxy-authorization` is addressed to the proxy itself, `expect`
 * is answered by it, and `trailer` announces trailers the gateway does not forward.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'expect',
  'trailer',
]);

/**
 * The lower-case names a message's own hop-by-hop fields: the fixed set and whatever its
 * `Connection` headers list (RFC 9110 §7.6.1: "a proxy … MUST remove any header fields listed in
 * the Connection header field").
 */
export function hopByHopNames(rawHeaders: readonly string[]): ReadonlySet<string> {
  let listed: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Only a name of its length is lower-cased: this runs over every header of every message.
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    listed ??= new Set(HOP_BY_HOP);
    for (const token of rawHeaders[i + 1]!.split(',')) {
      const trimmed = token.trim().toLowerCase();
      if (trimmed !== '') listed.add(trimmed);
    }
  }
  return listed ?? HOP_BY_HOP;
}
