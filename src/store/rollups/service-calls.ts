/**
 * A rollup row's calls per service code. At most MAX_NAMED_SERVICES services keep their name;
 * the calls of the others, and of calls made under no known service, are counted under
 * OTHER_SERVICES (a key no service code can be: codes are lower-case letters, digits and `-`).
 *
 * The names kept are the first in code-point order, not the first seen or the busiest: that
 * choice does not depend on the order rows are merged in, so rows that nodes add to concurrently
 * end up the same whatever the interleaving, and capping the merge of capped maps equals capping
 * the merge of the raw ones (every name kept in the whole was kept in each part).
 */
export type ServiceCalls = Map<string, number>;

export const MAX_NAMED_SERVICES = 32;
export const OTHER_SERVICES = '*';

/** Adds `calls` to `service` (null: no known service) in `into`. */
export function addServiceCalls(into: ServiceCalls, service: string | null, calls: number): void {
  const name = service ?? OTHER_SERVICES;
  into.set(name, (into.get(name) ?? 0) + calls);
}

/** Adds every count of `from` to `into`. */
export function mergeServiceCalls(into: ServiceCalls, from: ReadonlyMap<string, number>): void {
  for (const [name, calls] of from) into.set(name, (into.get(name) ?? 0) + calls);
}

/** `calls` with at most MAX_NAMED_SERVICES names, the rest moved to OTHER_SERVICES. */
export function capServiceCalls(calls: ServiceCalls): ServiceCalls {
  const named = [...calls.keys()].filter((name) => name !== OTHER_SERVICES);
  if (named.length <= MAX_NAMED_SERVICES) return calls;
  named.sort(byCodePoint);
  const capped: ServiceCalls = new Map();
  let other = calls.get(OTHER_SERVICES) ?? 0;
  for (const [index, name] of named.entries()) {
    if (index < MAX_NAMED_SERVICES) capped.set(name, calls.get(name)!);
    else other += calls.get(name)!;
  }
  capped.set(OTHER_SERVICES, other);
  return capped;
}

/** As the `services` column stores it: a JSON object, names in code-point order. */
export function encodeServiceCalls(calls: ServiceCalls): string {
  const names = [...calls.keys()].sort(byCodePoint);
  return JSON.stringify(Object.fromEntries(names.map((name) => [name, calls.get(name)!])));
}

/** The `services` column read back; anything but an object of counts reads as no calls. */
export function decodeServiceCalls(text: string): ServiceCalls {
  const calls: ServiceCalls = new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return calls;
  }
  if (typeof parsed !== 'object' || parsed === null) return calls;
  for (const [name, count] of Object.entries(parsed)) {
    if (typeof count === 'number') calls.set(name, count);
  }
  return calls;
}

/**
 * The merge a conflicting upsert makes of a stored `services` and an added one: SQLite calls it
 * as the SQL function `keyfence_merge_service_calls` (sqlite-connection.ts); PostgreSQL has the
 * same function in SQL (migration 0007).
 */
export function mergeEncodedServiceCalls(stored: string, added: string): string {
  const calls = decodeServiceCalls(stored);
  mergeServiceCalls(calls, decodeServiceCalls(added));
  return encodeServiceCalls(capServiceCalls(calls));
}

// Code-point order, as PostgreSQL's "C" collation compares the same names (for the names
// service codes can be, plain `<` on UTF-16 units agrees with it).
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
