import { scanAddress } from '../../net/address.js';

/** The limits of §"Sign-in throttling" in docs/server.md. */
export interface ThrottleLimits {
  /** Failures of one principal within the window before attempts are delayed. */
  readonly perPrincipal: number;
  /** Failures from one source address within the window before attempts are delayed. */
  readonly perSource: number;
  readonly windowMs: number;
  /** The first delay; each further failure doubles it, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const SIGNIN_THROTTLE: ThrottleLimits = Object.freeze({
  perPrincipal: 5,
  perSource: 20,
  windowMs: 15 * 60_000,
  firstDelayMs: 10_000,
  maxDelayMs: 15 * 60_000,
});

// Bounds the memory a flood of made-up principals or addresses can take.
const MAX_TRACKED = 100_000;
// No principal's sign-in name is longer (a UPN is at most 64 + 30 characters): longer names,
// which can be no one's, share their first 128 characters as key, so a key's size is bounded.
const MAX_KEY_LENGTH = 128;

/**
 * The principal's key: the name as sign-in reads it (trimmed) and case-folded, so that
 * ` Alice@…` and `alice@…` are one principal's failures, as they are one principal.
 */
export function principalKey(name: string): string {
  return name.trim().toLowerCase().slice(0, MAX_KEY_LENGTH);
}

/**
 * The source's key: an IPv4 address, or an IPv6 address's /64. One subscriber usually holds a
 * whole /64 and may take any address in it, so counting per IPv6 address would let it try 2^64
 * times as often; an IPv4-mapped address counts as its IPv4 address.
 */
export function sourceKey(address: string): string {
  const words = new Uint32Array(4);
  const family = scanAddress(address, 0, address.length, words);
  if (family === 4) return String(words[0]);
  if (family === 6) return `${words[0]!.toString(16)}:${words[1]!.toString(16)}::/64`;
  return address.slice(0, MAX_KEY_LENGTH);
}

/** The failures of one principal or address within the window, oldest first. */
interface Failures {
  times: number[];
}

/**
 * Failed console sign-ins per principal and per source address, in this node's memory only (each
 * node counts its own; a restart forgets). Past the limit within the window, every attempt
 * must wait a delay that doubles with each further failure, up to 15 minutes; an attempt made
 * sooner is refused without checking the password. Unknown principals count like known ones.
 * Principals are counted by `principalKey`, sources by `sourceKey` (IPv6 per /64).
 */
export class SigninThrottle {
  readonly #limits: ThrottleLimits;
  readonly #now: () => number;
  readonly #principals = new Map<string, Failures>();
  readonly #sources = new Map<string, Failures>();

  constructor(now: () => number, limits: ThrottleLimits = SIGNIN_THROTTLE) {
    this.#now = now;
    this.#limits = limits;
  }

  /** Seconds to wait before `principal` may try again from `source`; 0 when it may now. */
  waitSeconds(principal: string, source: string): number {
    const now = this.#now();
    const { perPrincipal, perSource } = this.#limits;
    const until = Math.max(
      this.#until(this.#principals, principalKey(principal), perPrincipal, now),
      this.#until(this.#sources, sourceKey(source), perSource, now),
    );
    return until <= now ? 0 : Math.ceil((until - now) / 1000);
  }

  failed(principal: string, source: string): void {
    const now = this.#now();
    this.#add(this.#principals, principalKey(principal), now);
    this.#add(this.#sources, sourceKey(source), now);
  }

  /** A sign-in succeeded: the principal's failures are forgiven (not the address's). */
  succeeded(principal: string): void {
    this.#principals.delete(principalKey(principal));
  }

  /** When the next attempt is allowed: the last failure plus the delay its count has reached. */
  #until(map: Map<string, Failures>, key: string, limit: number, now: number): number {
    const entry = map.get(key);
    if (entry === undefined) return 0;
    const recent = this.#prune(entry, now);
    if (recent.length === 0) {
      map.delete(key);
      return 0;
    }
    if (recent.length < limit) return 0;
    const { firstDelayMs, maxDelayMs } = this.#limits;
    const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(30, recent.length - limit));
    return recent[recent.length - 1]! + delay;
  }

  #add(map: Map<string, Failures>, key: string, now: number): void {
    const entry = map.get(key);
    if (entry !== undefined) {
      this.#prune(entry, now).push(now);
      return;
    }
    if (map.size >= MAX_TRACKED) {
      // The oldest key first (Map keeps insertion order).
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    map.set(key, { times: [now] });
  }

  #prune(entry: Failures, now: number): number[] {
    const from = now - this.#limits.windowMs;
    let i = 0;
    while (i < entry.times.length && entry.times[i]! <= from) i++;
    if (i > 0) entry.times = entry.times.slice(i);
    return entry.times;
  }
}
