import { AuthError } from '../../auth/auth-error.js';
import type { AuthenticatedCredential, LookupCredential } from '../../auth/credential.js';
import type { NonceLedger } from '../../auth/nonce-ledger.js';
import type { ReplayGuard } from '../../auth/replay-guard.js';
import type { SignedRequest } from '../../auth/signed-request.js';
import { verifyRequest } from '../../auth/verify-request.js';
import { isPromise, type MaybePromise } from '../../common/maybe-promise.js';
import { displayAddress } from '../../net/display-address.js';
import type { Credential, Decision } from '../../policy/decision.js';
import type { Caller } from '../../request/caller.js';
import { productOfVersion } from '../../request/product.js';
import { type RequestSource, resolveSource } from '../../request/source/resolve-source.js';
import type { TrustedProxies } from '../../request/source/trusted-proxies.js';
import type { SigningCredential } from '../../store/index.js';
import type { IndexFollower } from '../../sync/index-follower.js';
import { serverErrors } from '../errors/api-error.js';
import type { DecisionCounters } from '../metrics/decision-counters.js';
import { type ClaimedRequest, claimedRequest } from './claimed-request.js';
import { callerOf, presentedSecurityToken, type StoreCredential } from './credential-adapter.js';
import { accessPolicyDenied } from './denial.js';
import type { Exemptions } from './exemptions.js';
import { identifyAccessKey } from './identify-access-key.js';
import type { KeyUseRecorder } from './key-use-recorder.js';
import type { Arrival, Passage } from './passage.js';
import type { PolicyPassRecorder } from './policy-pass-recorder.js';

/** The credential lookup of one request: the single seam through which the gate finds keys. */
export type CredentialLookup = (request: SignedRequest) => LookupCredential<StoreCredential>;

export interface AccessGateDependencies {
  readonly follower: IndexFollower;
  readonly trustedProxies: TrustedProxies;
  /** One per server: nonces are remembered across all its requests, whichever entry point they use. */
  readonly replayGuard: ReplayGuard;
  /** Where admitted nonces are claimed across restarts and nodes (`replayProtection: store`); none for `memory`. */
  readonly nonceLedger?: NonceLedger;
  readonly credentials: CredentialLookup;
  /**
   * The credential held for an AccessKeyId, from memory when this node has it (no promise), else
   * as the store answers; undefined when there is none.
   */
  readonly findCredential: (accessKeyId: string) => MaybePromise<SigningCredential | undefined>;
  /**
   * The expiry an authentic SecurityToken of `accessKeyId` carries (KeyFenceStore.securityTokenExpiry):
   * tells an STS credential deleted by housekeeping after it expired from one that never existed.
   */
  readonly securityTokenExpiry: (accessKeyId: string, securityToken: string) => Date | undefined;
  readonly keyUses: KeyUseRecorder;
  /** Where allowed decisions go to confirm commit-confirmed policy changes (off the hot path). */
  readonly policyPasses?: PolicyPassRecorder;
  readonly exemptions: Exemptions;
  /** The clock of signature windows; a request's expiry checks and key use go by its arrival time. */
  readonly now: () => Date;
  /** Where every decision is counted, for /metrics. */
  readonly decisions: DecisionCounters;
}

/** Who is calling, once the gate has established it. */
export interface Identified {
  readonly credential: AuthenticatedCredential<StoreCredential>;
  readonly caller: Caller;
  /** What the network ACL decides on. */
  readonly key: Credential;
  /** The signature's algorithm; null when the caller was identified by its AccessKeyId alone. */
  readonly signatureVersion: 'v3' | 'v2' | null;
  /** From what was signed (or, identified alone, what the request names). */
  readonly action: string | undefined;
  readonly version: string | undefined;
  /** The signed parameters; empty when identified alone. */
  readonly params: Readonly<Record<string, string>>;
}

export interface Enforcement {
  /** The service code the decision is made under; null when none is known (no exemption applies). */
  readonly service: string | null;
  /** The original request's path (forward-auth, gateway), for path-limited exemptions. */
  readonly path?: string;
  /** What the key's last use is recorded as (the product for the RPC API, else the service). */
  readonly usedAs: string;
}

// What the decision sees when a trusted proxy forwarded something unreadable: not an address, so
// every policy denies it, while exempt services, STS credentials and keys without a policy pass.
const UNREADABLE_SOURCE: RequestSource = Object.freeze({ ip: '', via: 'peer' });

const EXEMPT: Decision = Object.freeze({
  allowed: true,
  reason: 'exempt-service',
  scope: 'none',
  statement: -1,
  policyVersion: 0,
});

/** The start of a decision that is not timed (DecisionCounters.timeNext). */
const UNTIMED = -1;

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze(Object.create(null));

/**
 * The steps every entry point (RPC API, forward-auth, gateway) takes a request through, so that
 * all three enforce the network ACL identically: where it comes from (`open`), who sent it
 * (`authenticate`, or `identify` when an upstream verifier is trusted), whether the network ACL
 * lets that key in from there for that service (`enforce`). Each step writes what it learns into
 * the passage, which becomes the request's audit record however it ends; a refusal is thrown
 * (AuthError or ApiError) for the entry point to answer in its own form.
 */
export class AccessGate {
  readonly #deps: AccessGateDependencies;

  constructor(deps: AccessGateDependencies) {
    this.#deps = deps;
  }

  get trustedProxies(): TrustedProxies {
    return this.#deps.trustedProxies;
  }

  /** Resolves where the request comes from and starts its record. */
  open(arrival: Arrival): Passage {
    const progress = {
      action: null,
      version: null,
      product: null,
      service: null,
      params: null,
      caller: null,
      authentication: null,
      claimedAccessKeyId: null,
      decision: null,
      appliedVersion: null,
      candidate: null,
    };
    const resolved = resolveSource(arrival.origin, arrival.headers, this.#deps.trustedProxies);
    if (resolved.ok) {
      const source = resolved.value;
      return {
        arrival,
        source,
        recorded: { ip: displayAddress(source.ip), vpcId: source.vpcId ?? null, fault: null },
        progress,
      };
    }
    return {
      arrival,
      source: UNREADABLE_SOURCE,
      recorded: { ip: displayAddress(arrival.origin.address ?? ''), vpcId: null, fault: resolved.error.code },
      progress,
    };
  }

  /** Verifies the request's signature (src/auth): time, credential, signature, key state, nonce. */
  async authenticate(passage: Passage, request: SignedRequest): Promise<Identified> {
    this.#ensureReady();
    const { progress } = passage;
    const verified = await verifyRequest(request, {
      lookupCredential: this.#deps.credentials(request),
      replayGuard: this.#deps.replayGuard,
      ...(this.#deps.nonceLedger === undefined ? {} : { nonceLedger: this.#deps.nonceLedger }),
      now: this.#deps.now,
    });
    if (!verified.ok) {
      const claimed = this.#noteClaims(passage, request);
      if (verified.error.code === 'InvalidAccessKeyId.NotFound') {
        throw this.#unknownKey(passage, request, claimed.accessKeyId);
      }
      throw verified.error;
    }
    const { credential, action, version, params, signatureVersion } = verified.value;
    progress.params = withoutSecurityToken(params);
    return this.#identified(passage, credential, 'signature', action, version, signatureVersion, params);
  }

  /**
   * Identifies the key a request names without checking its signature (forward-auth with
   * `verifySignature: false`, see identifyAccessKey): the AccessKeyId of the ACS3 Authorization
   * header or the `AccessKeyId` parameter, and the Action and Version the request names. No
   * promise when the key is in memory.
   */
  identify(passage: Passage, request: SignedRequest): MaybePromise<Identified> {
    this.#ensureReady();
    const claimed = this.#noteClaims(passage, request);
    const accessKeyId = claimed.accessKeyId;
    if (accessKeyId === null) throw AuthError.of('MissingAccessKeyId');
    const found = this.#deps.findCredential(accessKeyId);
    return isPromise(found)
      ? found.then((credential) => this.#identifiedKey(passage, request, claimed, accessKeyId, credential))
      : this.#identifiedKey(passage, request, claimed, accessKeyId, found);
  }

  #identifiedKey(
    passage: Passage,
    request: SignedRequest,
    claimed: ClaimedRequest,
    accessKeyId: string,
    found: SigningCredential | undefined,
  ): Identified {
    const identified = identifyAccessKey(accessKeyId, found, passage.arrival.time.getTime());
    if (!identified.ok) {
      if (identified.error.code === 'InvalidAccessKeyId.NotFound') {
        throw this.#unknownKey(passage, request, accessKeyId);
      }
      throw identified.error;
    }
    return this.#identified(
      passage,
      identified.value,
      'access-key-id',
      claimed.action ?? undefined,
      claimed.version ?? undefined,
      null,
      NO_PARAMS,
    );
  }

  /**
   * The network ACL for the identified key, the passage's source and `service`:
   * throws `InvalidAccessKeyId.AccessPolicyDenied` when it denies; otherwise records the key's use.
   * No promise unless the key is one this node has not heard of yet.
   */
  enforce(passage: Passage, who: Identified, enforcement: Enforcement): MaybePromise<Decision> {
    const { follower, exemptions } = this.#deps;
    const { service } = enforcement;
    passage.progress.service = service;
    // No service code is one that no exemption names.
    const code = service ?? '';
    const started = this.#deps.decisions.timeNext() ? performance.now() : UNTIMED;
    if (exemptions.coversPath(code, enforcement.path)) {
      return this.#concluded(passage, who, enforcement, EXEMPT, follower.appliedVersion, started);
    }
    // The version is read with the decision, in the same turn of the event loop: no change can be
    // applied in between, so the decision was made under (at least) every change up to it.
    const decision = follower.index.decide(who.key, passage.source, code);
    if (decision.reason !== 'unknown-access-key') {
      return this.#concluded(passage, who, enforcement, decision, follower.appliedVersion, started);
    }
    // A key this node has not heard of yet (created on another node within the poll interval):
    // catch up once rather than deny a key the store has just authenticated.
    return follower.catchUp().then(() => {
      const again = started === UNTIMED ? UNTIMED : performance.now();
      return this.#concluded(
        passage,
        who,
        enforcement,
        follower.index.decide(who.key, passage.source, code),
        follower.appliedVersion,
        again,
      );
    });
  }

  #concluded(
    passage: Passage,
    who: Identified,
    enforcement: Enforcement,
    decision: Decision,
    appliedVersion: number,
    started: number,
  ): Decision {
    this.#deps.decisions.observe(
      decision,
      started === UNTIMED ? undefined : (performance.now() - started) / 1000,
    );
    const { progress } = passage;
    progress.decision = decision;
    progress.appliedVersion = appliedVersion;
    // Report-only: recorded and counted, never the outcome; with no candidate anywhere, one
    // comparison. An exempt call is exempt under any candidate.
    const { index } = this.#deps.follower;
    if (index.candidateCount !== 0 && decision.reason !== 'exempt-service') {
      const candidate = index.decideCandidate(who.key, passage.source, enforcement.service ?? '');
      progress.candidate = candidate;
      if (candidate !== null) this.#deps.decisions.observeCandidate(candidate);
    }
    if (!decision.allowed) {
      throw accessPolicyDenied(decision, passage.recorded.ip, passage.source.vpcId);
    }
    if (who.credential.kind === 'permanent') {
      const { accessKeyId } = who.credential;
      this.#deps.keyUses.record(accessKeyId, passage.arrival.time, enforcement.usedAs);
      this.#deps.policyPasses?.observe(decision, who.caller.accountId, accessKeyId, {
        requestId: passage.arrival.requestId,
        at: passage.arrival.time,
        ip: passage.recorded.ip,
        vpcId: passage.recorded.vpcId,
      });
    }
    return decision;
  }

  /**
   * The refusal of a key this node cannot find: `InvalidSecurityToken.Expired` when the request
   * presents an authentic SecurityToken of that key whose expiry has passed (its credential was
   * deleted after it expired, docs/auth.md), else `InvalidAccessKeyId.NotFound`. Only the choice of
   * error depends on the token; nothing is admitted by it.
   */
  #unknownKey(passage: Passage, request: SignedRequest, accessKeyId: string | null): AuthError {
    const token = presentedSecurityToken(request);
    const expiry =
      accessKeyId === null || token === undefined
        ? undefined
        : this.#deps.securityTokenExpiry(accessKeyId, token);
    return expiry !== undefined && passage.arrival.time.getTime() >= expiry.getTime()
      ? AuthError.of('InvalidSecurityToken.Expired')
      : AuthError.of('InvalidAccessKeyId.NotFound');
  }

  #ensureReady(): void {
    if (!this.#deps.follower.loaded) throw serverErrors.serviceUnavailable();
  }

  /** What a request says about itself, kept for its record; unverified, bounded, possibly null. */
  #noteClaims(passage: Passage, request: SignedRequest): ClaimedRequest {
    const claimed = claimedRequest(request);
    const { progress } = passage;
    progress.claimedAccessKeyId = claimed.accessKeyId;
    progress.action = claimed.action;
    progress.version = claimed.version;
    progress.product = productOfVersion(claimed.version ?? undefined) ?? null;
    return claimed;
  }

  #identified(
    passage: Passage,
    credential: AuthenticatedCredential<StoreCredential>,
    authentication: 'signature' | 'access-key-id',
    action: string | undefined,
    version: string | undefined,
    signatureVersion: Identified['signatureVersion'],
    params: Identified['params'],
  ): Identified {
    const caller = callerOf(credential);
    const { progress } = passage;
    progress.caller = caller;
    progress.authentication = authentication;
    progress.claimedAccessKeyId = null;
    progress.action = action ?? null;
    progress.version = version ?? null;
    progress.product = productOfVersion(version) ?? null;
    return {
      credential,
      caller,
      key: { accessKeyId: credential.accessKeyId, temporary: credential.kind === 'temporary' },
      signatureVersion,
      action,
      version,
      params,
    };
  }
}

/** V2 carries the SecurityToken as a parameter; it stays out of the record. */
function withoutSecurityToken(params: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (params.SecurityToken === undefined) return params;
  const { SecurityToken: _, ...rest } = params;
  return Object.freeze(Object.assign(Object.create(null), rest));
}
