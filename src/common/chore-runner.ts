import type { Chore } from './chore.js';

/**
 * Runs chores: each once on start, then every `intervalMs`. Its timers never keep a process
 * alive; stop waits for the rounds under way.
 */
export class ChoreRunner {
  readonly #chores: readonly Chore[];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Set<Promise<void>>();

  constructor(chores: readonly Chore[]) {
    this.#chores = chores;
  }

  start(): void {
    if (this.#timers.length > 0) return;
    for (const chore of this.#chores) {
      this.#round(chore);
      const timer = setInterval(() => this.#round(chore), chore.intervalMs);
      timer.unref();
      this.#timers.push(timer);
    }
  }

  /** No further rounds; resolves once the rounds under way ended. */
  async stop(): Promise<void> {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await Promise.all(this.#running);
  }

  #round(chore: Chore): void {
    const round = (async () => {
      try {
        await chore.run();
      } catch (error) {
        chore.onError(error);
      }
    })();
    this.#running.add(round);
    void round.then(() => this.#running.delete(round));
  }
}
