import assert from 'node:assert/strict';

/**
 * Polls `check` until it returns true; fails naming `what` after `timeoutMs`. The deadline is
 * generous on purpose: it bounds a hang on a loaded machine, it is not a latency claim.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
