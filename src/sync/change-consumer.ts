import type { ChangeRecord } from '../store/change-log/change-record.js';
import type { Snapshot } from '../store/snapshot.js';

/**
 * In-memory state kept current beside the decision index (credentials, user policy
 * attachments): filled from the same snapshot the index loads from, then given the same change
 * records in the same order, so that every part of a node's memory stands at one version.
 */
export interface ChangeConsumer {
  /** Fills the state from `snapshot`; called once, before any change. */
  load(snapshot: Snapshot): Promise<void>;
  /**
   * Applies one committed change, in version order. It may read the store; a rejection fails
   * the pass, which is then retried from the same version, so applying a change twice must leave
   * the state as applying it once does.
   */
  apply(change: ChangeRecord): Promise<void> | void;
}
