/**
 * A result that is there at once when everything it needs is in memory, and a promise only when
 * it must wait (a store read, a catch-up). The request path of forward-auth answers in the same
 * turn as the request arrived this way: an `await` on every step would cost more than the
 * decision itself.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
