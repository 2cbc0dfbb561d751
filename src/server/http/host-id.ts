/** What error bodies name as `HostId` when the request gives nothing usable. */
export const DEFAULT_HOST_ID = 'keyfence';

const nameOrIPv4 = /^[A-Za-z0-9.-]{1,253}$/;
const bracketedIPv6 = /^\[([0-9A-Fa-f:.]{2,45})\]$/;

/**
 * `HostId` of an error body: the configured one, else the host name the client addressed (the
 * `Host` header without its port), as Alibaba answers with the endpoint's name. The header is
 * the client's own text, so only plausible host names are echoed.
 */
export function hostIdOf(host: string | undefined, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  if (host === undefined) return DEFAULT_HOST_ID;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':', 1)[0]!;
  const v6 = bracketedIPv6.exec(name);
  if (v6 !== null) return v6[1]!;
  return nameOrIPv4.test(name) ? name : DEFAULT_HOST_ID;
}
