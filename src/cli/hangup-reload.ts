import type { KeyFenceServer } from '../server/keyfence-server.js';

/**
 * SIGHUP (certificates renewed by certbot and the like) for all of `keyfence serve`: without a
 * handler it ends the process, so one is installed before anything else, while the store may
 * still be initialised or migrated for minutes. A SIGHUP before the server is up is held and its
 * reload done once the server has started; after that each re-reads the TLS certificates.
 */
export class HangupReload {
  #server: KeyFenceServer | undefined;
  #held = false;
  readonly #onSignal = () => {
    if (this.#server === undefined) this.#held = true;
    else void this.#server.reloadTls();
  };

  constructor() {
    process.on('SIGHUP', this.#onSignal);
  }

  /** From now on SIGHUP reloads `server`'s certificates; one held until it started is done now. */
  serve(server: KeyFenceServer): void {
    this.#server = server;
    if (this.#held) {
      this.#held = false;
      void server.reloadTls();
    }
  }

  /** SIGHUP goes back to ending the process. */
  dispose(): void {
    process.off('SIGHUP', this.#onSignal);
  }
}
