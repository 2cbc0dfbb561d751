import type { AuditedRequest, FoldedRequests } from './audit-event.js';
import { maskErrorMessage, maskText, safeRequestParameters, secretsOf } from './masking.js';

/**
 * One event waiting in the spool: the event ID chosen before its first write attempt (so that
 * the store recognises it if an earlier write did commit), the record, already masked, and the
 * requests folded into it when it stands for several.
 */
export interface SpoolEntry {
  readonly eventId: string;
  readonly record: AuditedRequest;
  readonly folded?: FoldedRequests | undefined;
}

/**
 * The record as the spool may keep it: only what its event keeps (allowlisted parameters; the
 * User-Agent and error message masked), so a spool file never holds more than the audit log
 * does. Building the event from it gives the event the original record gives.
 */
export function spoolableRecord(record: AuditedRequest): AuditedRequest {
  const params = record.params ?? {};
  const secrets = secretsOf(params);
  return {
    ...record,
    params: safeRequestParameters(params, secrets),
    userAgent: record.userAgent === null ? null : maskText(record.userAgent, secrets),
    errorMessage: record.errorMessage === null ? null : maskErrorMessage(record.errorMessage, secrets),
  };
}

/** One line of a spool file, without its newline. */
export function encodeSpoolEntry(entry: SpoolEntry): string {
  const { eventId, record, folded } = entry;
  return JSON.stringify({ eventId, record: spoolableRecord(record), folded });
}

/** A line read back, or undefined when it is not one `encodeSpoolEntry` wrote (e.g. cut short by a crash). */
export function decodeSpoolEntry(line: string): SpoolEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.eventId !== 'string' || !isObject(value.record)) return undefined;
  const record = value.record;
  const time = typeof record.time === 'string' ? new Date(record.time) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) return undefined;
  const source = record.source;
  const valid =
    typeof record.requestId === 'string' &&
    ['action', 'version', 'product', 'claimedAccessKeyId', 'errorCode', 'errorMessage', 'userAgent'].every(
      (name) => isTextOrNull(record[name]),
    ) &&
    Number.isInteger(record.httpStatus) &&
    isObject(source) &&
    typeof source.ip === 'string' &&
    isTextOrNull(source.vpcId) &&
    isTextOrNull(source.fault) &&
    (record.caller === null || (isObject(record.caller) && typeof record.caller.accountId === 'string')) &&
    (record.decision === null ||
      (isObject(record.decision) && typeof record.decision.allowed === 'boolean')) &&
    (record.params === null ||
      (isObject(record.params) && Object.values(record.params).every((v) => typeof v === 'string')));
  if (!valid) return undefined;
  const entry = { eventId: value.eventId, record: { ...(record as unknown as AuditedRequest), time } };
  if (value.folded === undefined) return entry;
  const folded = decodeFolded(value.folded);
  return folded === undefined ? undefined : { ...entry, folded };
}

function decodeFolded(value: unknown): FoldedRequests | undefined {
  if (!isObject(value) || !Number.isInteger(value.count) || (value.count as number) < 2) return undefined;
  const lastTime = typeof value.lastTime === 'string' ? new Date(value.lastTime) : undefined;
  if (lastTime === undefined || Number.isNaN(lastTime.getTime())) return undefined;
  return { count: value.count as number, lastTime };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string';
}
