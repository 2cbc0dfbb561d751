import { isReadAction } from '../../audit/audit-event.js';
import type { Product } from '../../request/product.js';
import type { RequestSource } from '../../request/source/resolve-source.js';
import { consoleErrors, serverErrors } from '../errors/api-error.js';
import { toApiError } from '../errors/to-api-error.js';
import type { ActionRegistry } from '../rpc/action-registry.js';
import { type ActionServices, actionContext, runAction } from '../rpc/action-services.js';
import { authorize, type PoliciesOf } from '../rpc/authorize.js';
import { type ConsoleAudit, type ConsoleRequest, SUCCEEDED } from './console-audit.js';
import { consoleErrorBody } from './console-reply.js';
import type { ConsoleCaller } from './console-sessions.js';
import { LogonMask } from './logon-mask.js';

/** The parameter that sets logon masks excluding the session's own address anyway. */
export const CONSOLE_LOCKOUT_OVERRIDE = 'AcknowledgeConsoleLockout';

export interface ConsoleActionsDependencies extends ActionServices {
  readonly actions: ActionRegistry;
  readonly policiesOf: PoliciesOf;
  readonly audit: ConsoleAudit;
}

export interface ActionAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** Set when the call failed for a reason the client is not told: logged by the caller. */
  readonly internalError?: unknown;
}

/**
 * `POST /console/api/actions/{Product}/{Action}`: the RPC API's action, called in process with
 * the session as its caller. Validation, authorization and the handler are the API's own; what
 * differs is what a session has no use for: no signature, no network ACL (the logon mask guards
 * the console instead), no AccessKey lockout guard (no key to lock out). Writes are audited as
 * `ConsoleOperation`, their event stored with their change.
 */
export class ConsoleActions {
  readonly #deps: ConsoleActionsDependencies;

  constructor(deps: ConsoleActionsDependencies) {
    this.#deps = deps;
  }

  async call(
    request: ConsoleRequest,
    caller: ConsoleCaller,
    product: Product,
    name: string,
    given: Readonly<Record<string, string>>,
  ): Promise<ActionAnswer> {
    const { audit } = this.#deps;
    const { [CONSOLE_LOCKOUT_OVERRIDE]: acknowledged, ...params } = given;
    const event = { action: name, product, params, caller };
    const writes = !isReadAction(name);
    try {
      const definition = this.#deps.actions.find(product, name);
      if (definition === undefined) throw serverErrors.actionNotFound();
      await authorize(caller, definition, this.#deps.policiesOf);
      if (product === 'Ims' && name === 'SetSecurityPreference') {
        guardConsoleLockout(params.LoginNetworkMasks, request.source, acknowledged);
      }
      const changeAudit = writes ? audit.changeAudit(request, event) : undefined;
      const context = actionContext(this.#deps, {
        requestId: request.requestId,
        caller,
        params,
        source: request.source,
        audit: changeAudit,
        guardLockout: () => {},
      });
      const body = await runAction(definition, product, context);
      if (writes && !changeAudit?.committed) audit.record(request, event, SUCCEEDED);
      return { status: 200, body };
    } catch (thrown) {
      const { error, internal } = toApiError(thrown);
      if (writes) {
        audit.record(request, event, {
          httpStatus: error.httpStatus,
          errorCode: error.code,
          errorMessage: error.message,
        });
      }
      return {
        status: error.httpStatus,
        body: consoleErrorBody(request.requestId, error),
        ...(internal ? { internalError: thrown } : {}),
      };
    }
  }
}

/**
 * The console's own lockout guard: logon masks that would exclude the session setting them are
 * refused unless acknowledged. Masks that do not parse are left to the action, which says why.
 */
function guardConsoleLockout(
  masks: string | undefined,
  source: RequestSource,
  acknowledged: string | undefined,
): void {
  if (masks === undefined || acknowledged?.toLowerCase() === 'true') return;
  const mask = LogonMask.parse(masks);
  if (mask !== undefined && !mask.allows(source.ip)) throw consoleErrors.lockoutPrevented(source.ip);
}
