const numbers = new Intl.NumberFormat('en-US');

/** 1204 → "1,204". */
export const count = (n: number): string => numbers.format(n);

/** "1 call", "1,204 calls". */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${count(n)} ${n === 1 ? one : many}`;

/** A time as the console shows it everywhere: UTC, `2026-05-01 12:03:04`. */
export const utc = (time: string | number | Date): string => {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString().slice(0, 19).replace('T', ' ');
};

/** The time of day to the millisecond, UTC: `12:03:04.120`. */
export const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

/** A preview window's name in the window picker. */
export const windowLabel = (days: number): string => (days === 1 ? '24 h' : `${days} d`);

/** A preview window in a sentence: "(last 30 days)". */
export const windowSentence = (days: number): string => (days === 1 ? 'last 24 hours' : `last ${days} days`);
