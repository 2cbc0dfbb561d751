import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';
import { initialSchema } from './migrations/0001-initial-schema.js';
import { userPolicyAttachments } from './migrations/0002-user-policy-attachments.js';
import { auditEvents } from './migrations/0003-audit-events.js';
import { nodeStatus } from './migrations/0004-node-status.js';
import { signatureNonces } from './migrations/0005-signature-nonces.js';

/**
 * A schema change. It is told the dialect so that the few physical choices that differ (see
 * 0001) can be made per database while the logical schema stays one.
 */
export interface StoreMigration {
  // A migration is written against the schema as it was then, not today's `StoreDatabase`.
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own Migration type takes Kysely<any> for that reason.
  up(db: Kysely<any>, dialect: StoreDialect['name']): Promise<void>;
}

/** Applied in this order, each exactly once; never edit or reorder a released entry. */
export const migrations: ReadonlyArray<readonly [name: string, migration: StoreMigration]> = [
  ['0001-initial-schema', initialSchema],
  ['0002-user-policy-attachments', userPolicyAttachments],
  ['0003-audit-events', auditEvents],
  ['0004-node-status', nodeStatus],
  ['0005-signature-nonces', signatureNonces],
];
