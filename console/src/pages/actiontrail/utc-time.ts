/** Alibaba's time format, `2020-10-15T08:08:54Z`: what windows are sent in. */
export const alibabaTime = (time: Date): string => `${time.toISOString().slice(0, 19)}Z`;

/** A time from an answer, shown in UTC as the console shows every time: `2020-10-15 08:08:54`. */
export const showTime = (text: string | null | undefined): string => {
  if (text === null || text === undefined || text === '') return '—';
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? text : time.toISOString().slice(0, 19).replace('T', ' ');
};

/** The UTC day of a time, `2020-10-15`. */
export const utcDay = (time: Date): string => time.toISOString().slice(0, 10);

export const DAY_MS = 86_400_000;

/** Whole days between two times, rounded down. */
export const daysBetween = (from: Date, to: Date): number =>
  Math.floor((to.getTime() - from.getTime()) / DAY_MS);
