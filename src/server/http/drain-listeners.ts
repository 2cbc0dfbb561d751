import type { Listener } from './listener.js';

/**
 * Closes `listeners` to new connections and resolves once every open one ended; requests still
 * in flight after `timeoutMs` have their connections cut (`onCutOff` is told first).
 */
export async function drainListeners(
  listeners: readonly Listener[],
  timeoutMs: number,
  onCutOff: () => void,
): Promise<void> {
  const drained = Promise.all(listeners.map((listener) => listener.close()));
  const deadline = setTimeout(() => {
    onCutOff();
    for (const listener of listeners) listener.closeAllConnections();
  }, timeoutMs);
  await drained;
  clearTimeout(deadline);
}
