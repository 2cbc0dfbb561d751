import { type KeySource, listKeySources, sourceKey } from './access-key-sources';
import { alibabaTime, DAY_MS, utcDay } from './utc-time';

/** Calls of one UTC day: allowed, denied by a network ACL, failed otherwise. */
export interface DayCalls {
  readonly allowed: number;
  readonly denied: number;
  readonly failed: number;
}

export interface DailyCalls {
  /** UTC days, oldest first (`2024-05-06`). */
  readonly days: readonly string[];
  /** The key's calls per day. */
  readonly totals: readonly DayCalls[];
  /** Per source (`sourceKey`), its calls per day. */
  readonly perSource: ReadonlyMap<string, readonly DayCalls[]>;
}

type Sums = Map<string, DayCalls>;

const ZERO: DayCalls = { allowed: 0, denied: 0, failed: 0 };

const sumsOf = (sources: readonly KeySource[]): Sums =>
  new Map(
    sources.map((s) => [
      sourceKey(s),
      { allowed: s.AllowedCalls, denied: s.DeniedCalls, failed: s.FailedCalls },
    ]),
  );

const minus = (a: DayCalls | undefined, b: DayCalls | undefined): DayCalls => ({
  // A call arriving between two reads can make a difference negative for a moment.
  allowed: Math.max(0, (a ?? ZERO).allowed - (b ?? ZERO).allowed),
  denied: Math.max(0, (a ?? ZERO).denied - (b ?? ZERO).denied),
  failed: Math.max(0, (a ?? ZERO).failed - (b ?? ZERO).failed),
});

const add = (a: DayCalls, b: DayCalls): DayCalls => ({
  allowed: a.allowed + b.allowed,
  denied: a.denied + b.denied,
  failed: a.failed + b.failed,
});

/**
 * A key's calls per UTC day over the last `days` days, derived from ListAccessKeySources alone:
 * a window there is at least a day long and sums every UTC day it touches, so no window reads one
 * day. The windows from the start of day d to now ("from d on") differ by exactly day d; the two
 * newest days come apart with one more window, from two days ago to the end of yesterday.
 * `now` is the server's (the end of a window it chose), so a browser clock set otherwise does not
 * shift the days. `days` must be at least 3 and within the retention.
 */
export const dailyCalls = async (accessKeyId: string, now: Date, days: number): Promise<DailyCalls> => {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const end = alibabaTime(now);
  // fromDay[k]: the sums from the start of day (today - k) to now, k = 1..days-1.
  const fromDay = await Promise.all(
    Array.from({ length: days - 1 }, (_, i) =>
      listKeySources(accessKeyId, { start: alibabaTime(new Date(today - (i + 1) * DAY_MS)), end }),
    ),
  );
  const lastTwoClosed = await listKeySources(accessKeyId, {
    start: alibabaTime(new Date(today - 2 * DAY_MS)),
    end: alibabaTime(new Date(today - 1000)),
  });
  const sums = fromDay.map((listing) => sumsOf(listing.sources));
  const closed = sumsOf(lastTwoClosed.sources);
  const keys = new Set<string>(sums.flatMap((s) => [...s.keys()]));
  const perSource = new Map<string, DayCalls[]>();
  for (const key of keys) {
    // byDay[k] for k = 0 (today) .. days-1.
    const byDay: DayCalls[] = new Array(days).fill(ZERO);
    for (let k = days - 1; k >= 2; k--) byDay[k] = minus(sums[k - 1]!.get(key), sums[k - 2]!.get(key));
    byDay[1] = minus(closed.get(key), byDay[2]);
    byDay[0] = minus(sums[0]!.get(key), byDay[1]);
    perSource.set(key, byDay.reverse());
  }
  const totals = Array.from({ length: days }, (_, i) =>
    [...perSource.values()].reduce((sum, series) => add(sum, series[i]!), ZERO),
  );
  const dayNames = Array.from({ length: days }, (_, i) => utcDay(new Date(today - (days - 1 - i) * DAY_MS)));
  return { days: dayNames, totals, perSource };
};
