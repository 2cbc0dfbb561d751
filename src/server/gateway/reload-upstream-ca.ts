import type { Logger } from 'pino';
import type { Gateway } from './gateway.js';

/**
 * The gateway's `upstreamCa` read again (SIGHUP), for new upstream connections; logged. Resolves
 * with 1 when that failed (the certificates loaded before stay in use), else 0.
 */
export async function reloadUpstreamCa(gateway: Gateway | undefined, log: Logger): Promise<number> {
  const file = gateway?.upstreamCa;
  try {
    if (await gateway?.loadUpstreamCa()) log.info({ upstreamCa: file }, 'gateway upstream CA reloaded');
    return 0;
  } catch (error) {
    log.error(
      { upstreamCa: file, code: (error as { code?: string }).code, error: (error as Error).message },
      'gateway upstream CA reload failed; the certificates loaded before stay in use',
    );
    return 1;
  }
}
