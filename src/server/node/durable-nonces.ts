import type { Logger } from 'pino';
import { NonceBatcher, type NonceBatcherCounters } from '../../auth/nonce-batcher.js';
import { NonceJournal } from '../../auth/nonce-journal.js';
import type { NonceLedger } from '../../auth/nonce-ledger.js';
import type { ReplayGuard } from '../../auth/replay-guard.js';
import type { ServerConfig } from '../../config/server-config.js';
import type { KeyFenceStore } from '../../store/index.js';

/** Where admitted nonces go beyond this process: claims in the store, or this node's journal. */
export type DurableNonces = NonceLedger & {
  readonly counters: NonceBatcherCounters;
  close(): Promise<number>;
};

export interface DurableNoncesOptions {
  readonly config: Pick<ServerConfig, 'replayProtection' | 'replayJournalDir'>;
  readonly store: Pick<KeyFenceStore, 'claimSignatureNonces'>;
  readonly guard: ReplayGuard;
  readonly log: Logger;
  /** Storing nonces failed: the store is unreachable. */
  readonly onUnreachable: (error: unknown) => void;
}

/**
 * The ledger `replayProtection: store` needs (undefined with `memory`): a journal in
 * `replayJournalDir`, which gives the guard back what an earlier run admitted, or nonce claims
 * in the store, batched.
 */
export function openDurableNonces(options: DurableNoncesOptions): DurableNonces | undefined {
  const { config, store, guard, log } = options;
  if (config.replayProtection === 'memory') return undefined;
  if (config.replayJournalDir !== undefined) return openJournal(config.replayJournalDir, guard, log);
  return new NonceBatcher({
    write: (nonces) => store.claimSignatureNonces(nonces),
    windowMs: guard.windowMs,
    onUnreachable: options.onUnreachable,
    onReachable: (pending) =>
      log.info({ pending }, 'signature nonces are stored again; storing those accepted meanwhile'),
    onLateReplays: (count) =>
      log.warn(
        { count },
        'replayed requests were accepted while the store was unreachable (found once their nonces were stored)',
      ),
  });
}

function openJournal(dir: string, guard: ReplayGuard, log: Logger): NonceJournal {
  const { journal, restored, refused } = NonceJournal.open({
    dir,
    guard,
    onError: (error) =>
      log.error(
        { err: error, dir },
        'signature nonces cannot be journaled: replays are refused from this process’s memory only, which a restart forgets',
      ),
    onRecovered: () => log.info({ dir }, 'signature nonces are journaled again'),
  });
  if (restored > 0) log.info({ restored }, 'signature nonces of an earlier run restored');
  if (refused > 0) {
    log.warn(
      { refused },
      'signature nonces of an earlier run did not fit the replay guard (its caps were lowered): their replays are not refused',
    );
  }
  return journal;
}
