import type { Logger } from 'pino';
import type { Listener } from './listener.js';

/**
 * Reads every TLS listener's certificate and key again for the connections accepted from now on;
 * a listener whose files are no longer a usable pair keeps its current one. Each outcome is
 * logged; resolves with the number of failures.
 */
export async function reloadListenerTls(listeners: readonly Listener[], log: Logger): Promise<number> {
  const secured = listeners.filter((listener) => listener.config.tls !== undefined);
  const outcomes = await Promise.allSettled(secured.map((listener) => listener.reloadTls()));
  let failed = 0;
  outcomes.forEach((outcome, i) => {
    const { address, tls } = secured[i]!.config;
    if (outcome.status === 'fulfilled') {
      log.info({ listener: address, cert: tls!.cert }, 'TLS certificate reloaded');
      return;
    }
    failed++;
    const error = outcome.reason as Error;
    log.error(
      { listener: address, code: (error as { code?: string }).code, error: error.message },
      'TLS certificate reload failed; the one loaded before stays in use',
    );
  });
  return failed;
}
