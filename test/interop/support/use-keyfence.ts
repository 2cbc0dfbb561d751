import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  type KeyFenceProcess,
  type KeyFenceProcessOptions,
  startKeyFence,
} from '../../support/keyfence-process.js';

export interface KeyFenceOfFile {
  /** A test that restarts KeyFence hands over the new process: it is the one stopped at the end. */
  replace(next: KeyFenceProcess): void;
}

/**
 * One `keyfence serve` for a test file: started before its tests (then `ready` sets the file up
 * with it), stopped after them, when it must exit 0 on SIGTERM.
 */
export function useKeyFence(
  options: KeyFenceProcessOptions,
  ready: (server: KeyFenceProcess) => void | Promise<void>,
): KeyFenceOfFile {
  let kf: KeyFenceProcess | undefined;
  before(async () => {
    kf = await startKeyFence(options);
    await ready(kf);
  });
  after(async () => {
    if (kf === undefined) return;
    const exit = await kf.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `keyfence serve exits 0 on SIGTERM\n${kf.stderr()}`);
  });
  return {
    replace(next) {
      kf = next;
    },
  };
}
