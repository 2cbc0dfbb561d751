/**
 * The server's clock as its answers show it. Windows are sent as StartTime/EndTime, which the
 * server checks against its own now (within retention, not in the future), so they are computed
 * from the server's time, never from the browser's alone.
 */
let offsetMs = 0;
let known = false;

const DAY_MS = 86_400_000;

/** Learns the server's time from an answer's `EndTime` (the server's now when no EndTime was sent). */
export function learnServerTime(endTime: unknown): void {
  if (typeof endTime !== 'string') return;
  const time = Date.parse(endTime);
  if (Number.isNaN(time)) return;
  offsetMs = time - Date.now();
  known = true;
}

const alibabaTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * `StartTime`/`EndTime` for the last `days` days. The window ends half a minute ahead (the server
 * allows a minute) so that a window as long as the retention still starts within it when it
 * arrives. Before the server's time is known, nothing: the server's default window.
 */
export function windowParams(days: number): { StartTime?: string; EndTime?: string } {
  if (!known) return {};
  const end = Math.floor((Date.now() + offsetMs + 30_000) / 1000) * 1000;
  return { StartTime: alibabaTime(end - days * DAY_MS), EndTime: alibabaTime(end) };
}

export const serverTimeKnown = (): boolean => known;
