import type { IncomingHttpHeaders } from 'node:http';
import type { Decision } from '../../policy/decision.js';
import type { Caller } from '../../request/caller.js';
import type { Product } from '../../request/product.js';
import type {
  Authentication,
  EntryPoint,
  OriginalRequest,
  RecordedSource,
  RequestRecord,
} from '../../request/request-record.js';
import type { RequestSource, SourceOrigin } from '../../request/source/resolve-source.js';

/** How a request arrived, as every entry point hands it to the gate. */
export interface Arrival {
  readonly entryPoint: EntryPoint;
  readonly requestId: string;
  readonly time: Date;
  /** What the connection says about where it comes from (TCP peer or PROXY header, listener VPC). */
  readonly origin: SourceOrigin;
  /** The headers as received: forwarding headers of trusted proxies, the User-Agent. */
  readonly headers: IncomingHttpHeaders;
  readonly original: OriginalRequest | null;
}

/** What is known about a request so far; it becomes the RequestRecord whatever stage it ends at. */
export interface Progress {
  action: string | null;
  version: string | null;
  product: Product | null;
  service: string | null;
  params: Readonly<Record<string, string>> | null;
  caller: Caller | null;
  authentication: Authentication | null;
  claimedAccessKeyId: string | null;
  decision: Decision | null;
  /** The change-log version the index enforced when `decision` was made. */
  appliedVersion: number | null;
  /** What the report-only candidates would have decided; null when none was staged. */
  candidate: Decision | null;
}

/** One request on its way through the access gate. */
export interface Passage {
  readonly arrival: Arrival;
  /** The source as the decision sees it. */
  readonly source: RequestSource;
  /** The source as the record keeps it. */
  readonly recorded: RecordedSource;
  readonly progress: Progress;
}

/** Refusals say what went wrong with a stable code and a message; a success has neither. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** The record of a passage that ended with `status` (and `refusal`, unless it succeeded). */
export function recordOf(passage: Passage, status: number, refusal: Refusal | null): RequestRecord {
  const { arrival, progress } = passage;
  // Field by field rather than spread: this runs for every request.
  return {
    requestId: arrival.requestId,
    time: arrival.time,
    action: progress.action,
    version: progress.version,
    product: progress.product,
    service: progress.service,
    params: progress.params,
    caller: progress.caller,
    authentication: progress.authentication,
    claimedAccessKeyId: progress.claimedAccessKeyId,
    decision: progress.decision,
    appliedVersion: progress.appliedVersion,
    candidate: progress.candidate,
    source: passage.recorded,
    entryPoint: arrival.entryPoint,
    original: arrival.original,
    errorCode: refusal?.code ?? null,
    errorMessage: refusal?.message ?? null,
    httpStatus: status,
    userAgent: arrival.headers['user-agent']?.slice(0, 512) ?? null,
  };
}
