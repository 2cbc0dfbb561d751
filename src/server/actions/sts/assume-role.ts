import { formatAlibabaTime } from '../../../common/alibaba-time.js';
import { parseTrustPolicy, trustAllows } from '../../../policy/trust-policy.js';
import type { Caller } from '../../../request/caller.js';
import { isRoleName, StoreError } from '../../../store/index.js';
import { invalidParameter, noPermission } from '../../errors/api-error.js';
import type { ActionDefinition } from '../../rpc/action.js';
import { optionalInteger, optionalText, requiredText } from '../support/params.js';
import { actorOf, rootArn, userArn } from '../support/principal.js';

const roleArnShape = /^acs:ram::([0-9]{16}):role\/(.+)$/;
const defaultDurationSeconds = 3600;

/**
 * The ARNs a trust policy may name the caller by; an assumed role cannot assume another role, and
 * a console session none either: its answer would hand the browser an AccessKey secret.
 */
function principalsOf(caller: Caller): string[] {
  switch (caller.type) {
    case 'console-session':
      return [];
    case 'root-account':
      return [rootArn(caller.accountId)];
    case 'ram-user':
      // The account root stands for every identity of the account allowed to call AssumeRole.
      return [userArn(caller.accountId, caller.userName), rootArn(caller.accountId)];
    case 'assumed-role':
      return [];
  }
}

/**
 * STS AssumeRole within the caller's account: temporary credentials (`STS.…`) that network ACLs
 * never restrict. A role of another account is answered like one that does not exist.
 */
export const assumeRole: ActionDefinition = {
  product: 'Sts',
  name: 'AssumeRole',
  ramAction: 'sts:AssumeRole',
  async handle(context) {
    const { params, caller } = context;
    const roleArn = requiredText(params, 'RoleArn', { maxLength: 256 });
    const roleSessionName = requiredText(params, 'RoleSessionName', {
      minLength: 2,
      maxLength: 64,
      pattern: /^[\w.@-]+$/,
      shape: 'letters, digits, ".", "@", "_" and "-"',
    });
    const durationSeconds = optionalInteger(params, 'DurationSeconds', { min: 900, max: 43_200 });
    const externalId = optionalText(params, 'ExternalId', {
      minLength: 2,
      maxLength: 1224,
      pattern: /^[\w+=,.@:/-]+$/,
      shape: 'letters, digits and any of +=,.@:/-_',
    });
    // A session policy narrows the credentials; ignoring one would hand out more than was asked for.
    if (params.Policy !== undefined && params.Policy !== '') {
      throw invalidParameter('Policy', 'session policies are not supported; assume the role without one.');
    }
    const [, roleAccountId, roleName] = roleArnShape.exec(roleArn) ?? [];
    if (roleName === undefined || !isRoleName(roleName)) {
      throw invalidParameter('RoleArn', 'it must be acs:ram::<account ID>:role/<role name>.');
    }
    if (roleAccountId !== caller.accountId) throw new StoreError('EntityNotExist.Role', roleArn);
    const { role, credential } = await context.write(async (tx) => {
      const role = await tx.getRole(caller.accountId, roleName);
      if (durationSeconds !== undefined && durationSeconds > role.maxSessionDuration) {
        throw invalidParameter(
          'DurationSeconds',
          `it must be from 900 to ${role.maxSessionDuration}, the role's MaxSessionDuration.`,
        );
      }
      // A stored document that no longer parses grants nothing.
      const trust = parseTrustPolicy(role.assumeRolePolicyDocument, caller.accountId);
      if (!trust.ok || !trustAllows(trust.statements, principalsOf(caller), externalId)) throw noPermission();
      const credential = await tx.issueTemporaryCredential(caller.accountId, role.roleName, {
        roleSessionName,
        sourceIdentity: actorOf(caller),
        durationSeconds: durationSeconds ?? defaultDurationSeconds,
      });
      return { role, credential };
    });
    return {
      Credentials: {
        AccessKeyId: credential.accessKeyId,
        AccessKeySecret: credential.accessKeySecret,
        SecurityToken: credential.securityToken,
        Expiration: formatAlibabaTime(credential.expiration),
      },
      AssumedRoleUser: {
        Arn: `${role.arn}/${roleSessionName}`,
        AssumedRoleId: `${role.roleId}:${roleSessionName}`,
      },
    };
  },
};
