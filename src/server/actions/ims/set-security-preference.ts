import { parseLogonMasks } from '../../../policy/logon-masks.js';
import { invalidParameter } from '../../errors/api-error.js';
import type { ActionContext, ActionDefinition } from '../../rpc/action.js';
import { optionalBoolean, optionalInteger, type Params } from '../support/params.js';
import { securityPreferenceBody } from './support/security-preference-body.js';

const MAX_ROTATION_DAYS = 3650;

/**
 * IMS SetSecurityPreference, plus KeyFence's `AccessKeyRotationDays` and `ImpactPreviewDays`.
 * What is not given stays as it was. `LoginNetworkMasks` given empty clears the logon mask (any
 * network); its entries are parsed as policy entries are and stored canonical, `;`-joined.
 */
export const setSecurityPreference: ActionDefinition = {
  product: 'Ims',
  name: 'SetSecurityPreference',
  ramAction: 'ram:SetSecurityPreference',
  async handle(context) {
    const { params, caller } = context;
    const changes = {
      loginSessionDuration: optionalInteger(params, 'LoginSessionDuration', { min: 1, max: 24 }),
      allowUserToChangePassword: optionalBoolean(params, 'AllowUserToChangePassword'),
      allowUserToManageAccessKeys: optionalBoolean(params, 'AllowUserToManageAccessKeys'),
      loginNetworkMasks: readLogonMasks(params, context.logonMaskLimit),
      accessKeyRotationDays: optionalInteger(params, 'AccessKeyRotationDays', {
        min: 1,
        max: MAX_ROTATION_DAYS,
      }),
      impactPreviewDays: optionalInteger(params, 'ImpactPreviewDays', previewRange(context)),
    };
    const preference = await context.write(async (tx) => {
      const current = await tx.securityPreference(caller.accountId);
      return tx.setSecurityPreference(caller.accountId, {
        loginSessionDuration: changes.loginSessionDuration ?? current.loginSessionDuration,
        allowUserToChangePassword: changes.allowUserToChangePassword ?? current.allowUserToChangePassword,
        allowUserToManageAccessKeys:
          changes.allowUserToManageAccessKeys ?? current.allowUserToManageAccessKeys,
        loginNetworkMasks: changes.loginNetworkMasks ?? current.loginNetworkMasks,
        accessKeyRotationDays: changes.accessKeyRotationDays ?? current.accessKeyRotationDays,
        impactPreviewDays: changes.impactPreviewDays ?? current.impactPreviewDays,
      });
    });
    return securityPreferenceBody(preference);
  },
};

/** A preview longer than the audit data kept would show nothing for its older days. */
const previewRange = (context: ActionContext) => ({ min: 1, max: context.auditRetentionDays });

/** Canonical masks joined with `;`; '' when given empty; undefined when not given. */
function readLogonMasks(params: Params, limit: number): string | undefined {
  const text = params.LoginNetworkMasks;
  if (text === undefined) return undefined;
  const parsed = parseLogonMasks(text, limit);
  if (!parsed.ok) {
    const listed = parsed.error.map((problem) => `[${problem.code}] ${problem.message}`).join('; ');
    throw invalidParameter('LoginNetworkMasks', `${listed}.`, {
      LogonMaskProblems: parsed.error.map((problem) => ({
        Code: problem.code,
        Message: problem.message,
        ...(problem.entry === undefined ? {} : { Entry: problem.entry }),
      })),
    });
  }
  return parsed.value.join(';');
}
