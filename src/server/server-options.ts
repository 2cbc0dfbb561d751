import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-sink.js';
import type { ScryptParameters } from '../auth/password-hash.js';
import type { ServerConfig } from '../config/server-config.js';
import type { KeyFenceStore } from '../store/index.js';
import type { OutageLog } from '../sync/outage-log.js';
import type { ActionDefinition } from './rpc/action.js';
import type { PoliciesOf } from './rpc/authorize.js';

/** A server: its validated configuration (src/config/server-config.ts), and what it runs on. */
export interface KeyFenceServerOptions {
  readonly config: ServerConfig;
  /** Opened and closed by the caller; the server only uses it. */
  readonly store: KeyFenceStore;
  /** The actions the RPC API routes to, by (product version, action name). */
  readonly actions: readonly ActionDefinition[];
  /** Where every request's record goes. Default: nowhere. */
  readonly auditSink?: AuditSink;
  /**
   * The system policies attached to a RAM user. Default: the store's user policy attachments, as
   * this node holds them in memory (kept current from the change log).
   */
  readonly policiesOf?: PoliciesOf;
  /** Default: silent. */
  readonly logger?: Logger;
  /**
   * How store failures are logged: an outage once as it starts and ends, with periodic summaries.
   * Pass the one the audit sink reports to, so that an outage is logged once. Default: one of its own.
   */
  readonly outageLog?: OutageLog;
  /** The clock for signature windows and records; tests pin it. */
  readonly now?: () => Date;
  /** Where the built console is. Default: the package's `dist/console/`. */
  readonly consoleDir?: string;
  /** The scrypt cost of the console passwords the server hashes. Default: password-hash.ts's; tests lower it. */
  readonly passwordHashParameters?: ScryptParameters;
}
