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
import { parseFlatJson } from './flat-json.js';
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
const ACKNOWLEDGE = 'root-access-keys/acknowledge';
/** The body limit of `signin` and `setup`, which no session vouches for. */
const SIGNED_OUT_BODY_BYTES = 8 * 1024;

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
    const action = ACTION_PATH.exec(path);
    const signedOut = path === 'signin' || path === 'setup';
    const known = signedOut || path === 'signout' || path === ACKNOWLEDGE || action !== null;
    if (!known) throw new Refusal(serverErrors.pathNotFound());
    if (req.method !== 'POST') throw new Refusal(serverErrors.methodNotAllowed('POST'));
    if (!sameOrigin(req.headers, call.secure)) throw new Refusal(consoleErrors.originRejected());
    requireJson(req);
    if (signedOut) {
      // Without a session, the body is all there is to read: a small one (a name, a token, a
      // password of at most 128 characters) whatever the server's limit for actions.
      const params = await this.#jsonBody(call, Math.min(this.#deps.maxBodyBytes, SIGNED_OUT_BODY_BYTES));
      if (params === undefined) return;
      return path === 'signin' ? this.#signin(call, params) : this.#setup(call, params);
    }
    // The session and its CSRF token are checked before the body is read: a request that may
    // not write costs no buffering and no parsing.
    const session = await this.#liveSession(call);
    const csrf = req.headers['x-keyfence-csrf'];
    if (typeof csrf !== 'string' || !constantTimeEqual(csrf, session.record.csrfToken)) {
      throw new Refusal(consoleErrors.csrfRejected());
    }
    const changesPassword = action?.[1] === 'Ims' && action[2] === 'ChangePassword';
    if (session.passwordResetRequired && path !== 'signout' && !changesPassword) {
      throw new Refusal(consoleErrors.passwordResetRequired());
    }
    const params = await this.#jsonBody(call, this.#deps.maxBodyBytes);
    if (params === undefined) return;
    if (path === 'signout') return this.#signout(call, session);
    if (path === ACKNOWLEDGE) return this.#acknowledge(call, session);
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
    await this.#endPresentedSession(call);
    return this.#sendSession(call, session, sessionCookie(session.id, call.secure));
  }

  /**
   * A sign-in replaces the browser's cookie: the session it carried until then (another
   * principal's, say, on a shared browser) ends rather than living on unseen until it expires.
   */
  async #endPresentedSession(call: ConsoleApiCall): Promise<void> {
    const id = sessionIdOf(call.req.headers, call.secure);
    if (id !== undefined) await this.#deps.sessions.end(sha256Hex(id));
  }

  async #setup(call: ConsoleApiCall, params: Record<string, string>): Promise<void> {
    const { store, sessions, audit } = this.#deps;
    const token = params.Token ?? '';
    const password = params.Password ?? '';
    try {
      try {
        checkPasswordLength(password);
      } catch (error) {
        if (error instanceof PasswordError) throw consoleErrors.passwordTooShort();
        throw error;
      }
      // The token is spent before the costly hash, so that nobody without it makes the server
      // hash anything (the hashes share four slots with every sign-in). A failure after this
      // point leaves root without a password and the link spent: the next start issues another.
      const accountId = await store.write(async (tx) => {
        const owner = await tx.consumeConsoleSetupToken(sha256Hex(token));
        if (owner === undefined || (await tx.rootConsolePassword(owner)) !== undefined) {
          throw consoleErrors.setupTokenInvalid();
        }
        return owner;
      });
      const passwordHash = await hashPassword(password, this.#deps.passwordHashParameters);
      const session = await store.write(async (tx) => {
        // The break-glass command may have set a password since: the first one set stays.
        if ((await tx.rootConsolePassword(accountId)) !== undefined) throw consoleErrors.setupTokenInvalid();
        await tx.setRootConsolePassword(accountId, passwordHash);
        const preference = await tx.securityPreference(accountId);
        // The session is made in the same transaction as the password it signs in with.
        const prepared = sessions.prepare({
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
      await this.#endPresentedSession(call);
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
    return this.#sendSession(call, { ...session, record });
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
  async #jsonBody(call: ConsoleApiCall, limit: number): Promise<Record<string, string> | undefined> {
    const { req, res } = call;
    const read = await readBody(req, limit);
    if (read.kind === 'aborted') return undefined;
    if (read.kind === 'too-large') {
      res.setHeader('connection', 'close');
      throw new Refusal(serverErrors.bodyTooLarge(limit));
    }
    const params = read.body.length === 0 ? Object.create(null) : parseFlatJson(read.body);
    if (params === undefined) throw new Refusal(consoleErrors.unsupportedMediaType());
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

/** Every write's body is JSON: checked on the header, before anything else is read. */
function requireJson(req: IncomingMessage): void {
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new Refusal(consoleErrors.unsupportedMediaType());
}
