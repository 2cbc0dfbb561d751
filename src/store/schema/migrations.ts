import { initialSchema } from './migrations/0001-initial-schema.js';
import { userPolicyAttachments } from './migrations/0002-user-policy-attachments.js';
import { auditEvents } from './migrations/0003-audit-events.js';
import { nodeStatus } from './migrations/0004-node-status.js';
import { signatureNonces } from './migrations/0005-signature-nonces.js';
import { retention } from './migrations/0006-retention.js';
import { keySourceRollups } from './migrations/0007-key-source-rollups.js';
import { auditRequestId } from './migrations/0008-audit-request-id.js';
import { policyCandidates } from './migrations/0009-policy-candidates.js';
import { rollupFunctions } from './migrations/0010-rollup-functions.js';
import { consoleAuth } from './migrations/0011-console-auth.js';
import { policyEntryMetadata } from './migrations/0012-policy-entry-metadata.js';
import { policyAutoRevert } from './migrations/0013-policy-auto-revert.js';
import { userLastLogin } from './migrations/0014-user-last-login.js';
import type { StoreMigration } from './store-migration.js';

/** Applied in this order, each exactly once; never edit or reorder a released entry. */
export const migrations: ReadonlyArray<readonly [name: string, migration: StoreMigration]> = [
  ['0001-initial-schema', initialSchema],
  ['0002-user-policy-attachments', userPolicyAttachments],
  ['0003-audit-events', auditEvents],
  ['0004-node-status', nodeStatus],
  ['0005-signature-nonces', signatureNonces],
  ['0006-retention', retention],
  ['0007-key-source-rollups', keySourceRollups],
  ['0008-audit-request-id', auditRequestId],
  ['0009-policy-candidates', policyCandidates],
  ['0010-rollup-functions', rollupFunctions],
  ['0011-console-auth', consoleAuth],
  ['0012-policy-entry-metadata', policyEntryMetadata],
  ['0013-policy-auto-revert', policyAutoRevert],
  ['0014-user-last-login', userLastLogin],
];
