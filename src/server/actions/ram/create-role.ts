import { parseTrustPolicy } from '../../../policy/trust-policy.js';
import type { RoleName } from '../../../store/index.js';
import { invalidParameter } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalInteger, optionalText, requiredText } from '../support/params.js';
import { roleBody } from './support/role-body.js';

/**
 * RAM CreateRole. The trust policy is checked in full here (not only its outline, as the store
 * does), so a role is never created with a document AssumeRole would misread.
 */
export const createRole: ActionDefinition = {
  product: 'Ram',
  name: 'CreateRole',
  ramAction: 'ram:CreateRole',
  async handle(context) {
    const { params, caller } = context;
    const roleName = requiredText(params, 'RoleName', {
      maxLength: 64,
      pattern: /^[0-9A-Za-z.-]+$/,
      shape: 'a role name of letters, digits, "." and "-"',
    }) as RoleName;
    // RAM documents no limit; 4096 characters hold dozens of principals.
    const document = requiredText(params, 'AssumeRolePolicyDocument', { maxLength: 4096 });
    const description = optionalText(params, 'Description', { maxLength: 1024 });
    const maxSessionDuration = optionalInteger(params, 'MaxSessionDuration', { min: 3600, max: 43_200 });
    const trust = parseTrustPolicy(document, caller.accountId);
    if (!trust.ok) throw invalidParameter('AssumeRolePolicyDocument', `${trust.problems.join('; ')}.`);
    const role = await context.write((tx) =>
      tx.createRole(caller.accountId, {
        roleName,
        assumeRolePolicyDocument: document,
        description,
        maxSessionDuration,
      }),
    );
    return { Role: roleBody(role) };
  },
};
