import { KeyFenceError } from '../../common/keyfence-error.js';
import type { ExemptService } from '../../config/keyfence-config.js';

const serviceCode = /^[a-z][a-z0-9-]{0,62}$/;
// A path that a server might read as another path: dot segments, encoded slashes, backslashes
// and encoded dots, empty segments. An exemption never applies to one of these.
const ambiguousPath = /(?:^|\/)\.\.?(?:\/|$)|%2f|%5c|%2e|\\|\/\//i;

/**
 * Where the network ACL is not applied (an exempt service is always allowed): whole services,
 * which the decision index answers itself, and services exempt only under some path prefixes
 * (forward-auth and gateway requests, which have paths), which the gate checks before asking it.
 */
export class Exemptions {
  /** Services exempt on every path: what the decision index is built with. */
  readonly wholeServices: readonly string[];
  readonly #prefixes: ReadonlyMap<string, readonly string[]>;

  /** Throws on an entry that is not a lower-case service code or whose prefix does not start with `/`. */
  constructor(entries: readonly ExemptService[]) {
    const whole = new Set<string>();
    const prefixes = new Map<string, string[]>();
    for (const { service, pathPrefixes } of entries) {
      if (!serviceCode.test(service)) {
        throw new KeyFenceError(
          'Config.InvalidExemptService',
          `exempt service ${JSON.stringify(service)} is not a lower-case service code such as ims or ecs`,
        );
      }
      if (pathPrefixes.length === 0) {
        whole.add(service);
        continue;
      }
      for (const prefix of pathPrefixes) {
        if (!prefix.startsWith('/') || ambiguousPath.test(prefix)) {
          throw new KeyFenceError(
            'Config.InvalidExemptService',
            `exempt service ${service}: path prefix ${JSON.stringify(prefix)} must start with / and have no dot segments, encoded slashes or dots, or empty segments`,
          );
        }
      }
      const list = prefixes.get(service) ?? [];
      list.push(...pathPrefixes.map((prefix) => (prefix.length > 1 ? prefix.replace(/\/$/, '') : prefix)));
      prefixes.set(service, list);
    }
    this.wholeServices = [...whole];
    // A service exempt everywhere needs no prefixes.
    for (const service of whole) prefixes.delete(service);
    this.#prefixes = prefixes;
  }

  /**
   * True when `service` is exempt on `path` by a path-limited entry: `path` is a prefix or lies
   * under it (`/v1/public` covers `/v1/public` and `/v1/public/…`, not `/v1/publicity`). A path a
   * server could read differently (dot segments, encoded slashes…) is never covered.
   */
  coversPath(service: string, path: string | undefined): boolean {
    if (path === undefined || this.#prefixes.size === 0) return false;
    const prefixes = this.#prefixes.get(service);
    if (prefixes === undefined || ambiguousPath.test(path)) return false;
    return prefixes.some(
      (prefix) =>
        prefix === '/' ||
        path === prefix ||
        (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47),
    );
  }
}
