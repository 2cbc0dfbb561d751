import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  checkPasswordLength,
  hashPassword,
  PasswordError,
  type ScryptParameters,
} from '../../auth/password-hash.js';
import { constantTimeEqual } from '../../common/constant-time-equal.js';
import { sha256Hex } from '../../common/sha256-hex.js';
import { PRODUCTS, type Product } from '../../request/product.js';
import type { KeyFenceStore, StoreTransaction } from '../../store/index.js';
import { type ApiError, consoleErrors, noPermission, serverErrors } from '../errors/api-error.js';
import { toApiError } from '../errors/to-api-error.js';
import { readBody } from '../http/read-body.js';
import type { ConsoleActions } from './console-actions.js';
import type { ConsoleAudit, ConsoleRequest } from './console-audit.js';
import { consoleErrorBody, sendConsoleJson } from './console-reply.js';
import type { ConsoleSessions, LiveSession } from './console-sessions.js';
import type { ConsoleSignin } from './console-signin.js';
import { sameOrigin } from './console-transport.js';
import { LogonMask } from './logon-mask.js';
import { type SessionAnswerDependencies, sessionAnswer } from './session-answer.js';
import { clearedCookie, sessionCookie, sessionIdOf } from './session-cookie.js';

export interface ConsoleApiDependencies {
  readonly store: KeyFenceStore;
  readonly sessions: ConsoleSessions;
  readonly signin: ConsoleSignin;
  readonly actions: ConsoleActions;
  readonly audit: ConsoleAudit;
  readonly answer: SessionAnswerDependencies;
  readonly maxBodyBytes: number;
  /** The cost of the root passwords setup sets. Default: password-hash.ts's. */
  readonly passwordHashParameters?: ScryptParameters;
  readonly log: Logger;
}

/** One request to `/console/api/`, as the console's router hands it over. */
export interface ConsoleApiCall extends ConsoleRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path after `/console/api/`. */
  readonly path: string;
  /** Whether the browser came over TLS: which cookie, and which origin is the console's. */
  readonly secure: boolean;
}

const ACTION_PATH = /^actions\/([A-Za-z]+)\/([A-Za-z0-9]+)$/;

class Refusal {
  constructor(
    readonly error: ApiError,
    readonly status: number = error.httpStatus,
    readonly extra: Record<string, unknown> = {},
    readonly clearCookie = false,
  ) {}
}

/**
 * The console's JSON API (docs/server.md, "Console"). Every write must come from the console's
 * own origin with a JSON body; every request with a session has it checked (expiry, idle time,
 * logon mask) and every write its CSRF token, before anything is done.
 */
export class ConsoleApi {
  readonly #deps: ConsoleApiDependencies;

  constructor(deps: ConsoleApiDependencies) {
    this.#deps = deps;
  }

  async answer(call: ConsoleApiCall): Promise<void> {
    try {
      await this.#route(call);
    } catch (thrown) {
      if (thrown instanceof Refusal) return this.#refuse(call, thrown);
      const { error, internal } = toApiError(thrown);
      if (internal)
        this.#deps.log.error({ err: thrown, requestId: call.requestId }, 'console request failed');
      return this.#refuse(call, new Refusal(error));
    }
  }

  async #route(call: ConsoleApiCall): Promise<void> {
    const { req, path } = call;
    if (path === 'session') {
      if (req.method !== 'GET') throw new Refusal(serverErrors.methodNotAllowed('GET'));
      return this.#session(call);
    }
    if (req.method !== 'POST') {
      const known = path === 'signin' || path === 'setup' || path === 'signout' || ACTION_PATH.test(path);
      throw new Refusal(known ? serverErrors.methodNotAllowed('POST') : serverErrors.pathNotFound());
    }
    if (!sameOrigin(req.headers, call.secure)) throw new Refusal(consoleErrors.originRejected());
    const params = await this.#jsonBody(call);
    if (params === undefined) return;
    if (path === 'signin') return this.#signin(call, params);
    if (path === 'setup') return this.#setup(call, params);
    const action = ACTION_PATH.exec(path);
    if (path !== 'signout' && path !== 'root-access-keys/acknowledge' && action === null) {
      throw new Refusal(serverErrors.pathNotFound());
    }
    const session = await this.#liveSession(call);
    const csrf = req.headers['x-keyfence-csrf'];
    if (typeof csrf !== 'string' || !constantTimeEqual(csrf, session.record.csrfToken)) {
      throw new Refusal(consoleErrors.csrfRejected());
    }
    if (path === 'signout') return this.#signout(call, session);
    if (path === 'root-access-keys/acknowledge') return this.#acknowledge(call, session);
    const product = action![1]!;
    if (!Object.hasOwn(PRODUCTS, product)) throw new Refusal(serverErrors.invalidVersion());
    const outcome = await this.#deps.actions.call(
      call,
      session.caller,
      product as Product,
      action![2]!,
      params,
    );
    if (outcome.internalError !== undefined) {
      this.#deps.log.error(
        { err: outcome.internalError, requestId: call.requestId },
        'console action failed',
      );
    }
    sendConsoleJson(call.res, outcome.status, outcome.body, call.requestId);
  }

  async #session(call: ConsoleApiCall): Promise<void> {
    let session: LiveSession;
    try {
      session = await this.#liveSession(call);
    } catch (thrown) {
      if (!(thrown instanceof Refusal) || thrown.error.code !== 'ConsoleSessionRequired') throw thrown;
      const setupRequired = (await this.#deps.store.accountsWithoutRootPassword()).length > 0;
      throw new Refusal(thrown.error, thrown.status, { SetupRequired: setupRequired });
    }
    return this.#sendSession(call, session);
  }

  async #signin(call: ConsoleApiCall, params: Record<string, string>): Promise<void> {
    const principal = params.Principal ?? '';
    const password = params.Password ?? '';
    const session = await this.#deps.signin.signIn(call, principal, password);
    return this.#sendSession(call, session, sessionCookie(session.id, call.secure));
  }

  async #setup(call: ConsoleApiCall, params: Record<string, string>): Promise<void> {
    const { store, sessions, audit } = this.#deps;
    const token = params.Token ?? '';
    const password = params.Password ?? '';
    try {
      checkPasswordLength(password);
    } catch (error) {
      if (error instanceof PasswordError) throw new Refusal(consoleErrors.passwordTooShort());
      throw error;
    }
    const tokenHash = sha256Hex(token);
    const passwordHash = await hashPassword(password, this.#deps.passwordHashParameters);
    // The account is known only once the token is consumed: the session is prepared then, in the
    // same transaction as the password it signs in with.
    let prepared: ReturnType<ConsoleSessions['prepare']> | undefined;
    try {
      const session = await store.write(async (tx) => {
        const accountId = await tx.consumeConsoleSetupToken(tokenHash);
        if (accountId === undefined || (await tx.rootConsolePassword(accountId)) !== undefined) {
          throw consoleErrors.setupTokenInvalid();
        }
        await tx.setRootConsolePassword(accountId, passwordHash);
        const preference = await tx.securityPreference(accountId);
        prepared = sessions.prepare({
          accountId,
          principal: { type: 'root' },
          sourceIp: call.source.ip,
          userAgent: call.userAgent ?? '',
          durationHours: preference.loginSessionDuration,
        });
        const made = await prepared.create(tx);
        const change = audit.changeAudit(call, {
          action: 'ConsoleSetup',
          product: null,
          params: {},
          caller: prepared.caller,
        });
        // The event joins this transaction: ChangeAudit's own write would open another.
        if (change !== undefined) await change.appendIn(tx);
        return made;
      });
      return this.#sendSession(call, session, sessionCookie(session.id, call.secure));
    } catch (thrown) {
      const { error } = toApiError(thrown);
      audit.record(
        call,
        { action: 'ConsoleSetup', product: null, params: {}, caller: null },
        {
          httpStatus: error.httpStatus,
          errorCode: error.code,
          errorMessage: error.message,
        },
      );
      throw thrown;
    }
  }

  async #signout(call: ConsoleApiCall, session: LiveSession): Promise<void> {
    const change = this.#deps.audit.changeAudit(call, {
      action: 'ConsoleSignout',
      product: null,
      params: {},
      caller: session.caller,
    });
    const work = async (tx: StoreTransaction) => {
      await tx.deleteConsoleSession(session.record.idHash);
    };
    await (change === undefined ? this.#deps.store.write(work) : change.write(work));
    sendConsoleJson(call.res, 200, {}, call.requestId, { 'set-cookie': clearedCookie(call.secure) });
  }

  async #acknowledge(call: ConsoleApiCall, session: LiveSession): Promise<void> {
    if (session.caller.principal.type !== 'root') throw new Refusal(noPermission());
    const change = this.#deps.audit.changeAudit(call, {
      action: 'AcknowledgeRootAccessKeys',
      product: null,
      params: {},
      caller: session.caller,
    });
    const work = async (tx: StoreTransaction) => {
      await tx.acknowledgeRootAccessKeys(session.record.idHash);
    };
    await (change === undefined ? this.#deps.store.write(work) : change.write(work));
    const record = { ...session.record, rootAccessKeyAcknowledged: true };
    return this.#sendSession(call, { record, caller: session.caller });
  }

  /**
   * The request's live session, checked against its account's logon mask (every request, not
   * only at sign-in): one from outside it is ended.
   */
  async #liveSession(call: ConsoleApiCall): Promise<LiveSession> {
    const { sessions, store } = this.#deps;
    let session: LiveSession;
    try {
      session = await sessions.find(sessionIdOf(call.req.headers, call.secure));
    } catch (thrown) {
      const { error } = toApiError(thrown);
      if (error.code === 'ConsoleSessionRequired' || error.code === 'ConsoleSessionExpired') {
        throw new Refusal(error, error.httpStatus, {}, true);
      }
      throw thrown;
    }
    const preference = await store.securityPreference(session.caller.accountId);
    if (!LogonMask.of(preference.loginNetworkMasks).allows(call.source.ip)) {
      await sessions.end(session.record.idHash);
      throw new Refusal(consoleErrors.logonMaskDenied(call.source.ip), 401, {}, true);
    }
    return session;
  }

  async #sendSession(call: ConsoleApiCall, session: LiveSession, cookie?: string): Promise<void> {
    const body = await sessionAnswer(this.#deps.answer, session, call.source.ip);
    sendConsoleJson(
      call.res,
      200,
      body,
      call.requestId,
      cookie === undefined ? {} : { 'set-cookie': cookie },
    );
  }

  /** The body as a flat object of strings; undefined when the answer was already given. */
  async #jsonBody(call: ConsoleApiCall): Promise<Record<string, string> | undefined> {
    const { req, res } = call;
    const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new Refusal(consoleErrors.unsupportedMediaType());
    const read = await readBody(req, this.#deps.maxBodyBytes);
    if (read.kind === 'aborted') return undefined;
    if (read.kind === 'too-large') {
      res.setHeader('connection', 'close');
      throw new Refusal(serverErrors.bodyTooLarge(this.#deps.maxBodyBytes));
    }
    let parsed: unknown;
    try {
      parsed = read.body.length === 0 ? {} : JSON.parse(read.body.toString('utf8'));
    } catch {
      throw new Refusal(consoleErrors.unsupportedMediaType());
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Refusal(consoleErrors.unsupportedMediaType());
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') throw new Refusal(consoleErrors.unsupportedMediaType());
      params[name] = value;
    }
    return params;
  }

  #refuse(call: ConsoleApiCall, refusal: Refusal): void {
    const { res } = call;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = refusal.clearCookie
      ? { 'set-cookie': clearedCookie(call.secure) }
      : {};
    if (refusal.error.code === 'UnsupportedHTTPMethod')
      headers.allow = call.path === 'session' ? 'GET' : 'POST';
    const body = { ...consoleErrorBody(call.requestId, refusal.error), ...refusal.extra };
    sendConsoleJson(res, refusal.status, body, call.requestId, headers);
  }
}
