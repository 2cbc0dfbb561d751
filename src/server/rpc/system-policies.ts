// KeyFence's own actions (`keyfence:`) are about AccessKeys and their network ACLs, RAM's
// business: RAM's readers may call the ones that only read, RAM's administrators all of them.
// Their verbs say which: these read, the others (Set, Delete, Promote…) write.
const KEYFENCE_READS = ['get', 'list', 'check', 'recommend', 'simulate'].map((verb) => `keyfence:${verb}*`);

/**
 * The RAM system policies KeyFence knows: the action patterns each allows (what authorization
 * checks) and the description RAM lists with it (what ListPoliciesForUser shows). A pattern is an
 * action (`sts:AssumeRole`) or a prefix ending in `*` (`ram:Get*`); RAM compares actions
 * case-insensitively, so the patterns are kept in lower case.
 */
export const SYSTEM_POLICIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  AdministratorAccess: ['*'],
  AliyunRAMFullAccess: ['ram:*', 'keyfence:*'],
  AliyunRAMReadOnlyAccess: ['ram:get*', 'ram:list*', ...KEYFENCE_READS],
  AliyunSTSAssumeRoleAccess: ['sts:assumerole'],
});

const descriptions: Readonly<Record<string, string>> = {
  AdministratorAccess: 'Provides full access to Alibaba Cloud services and resources.',
  AliyunRAMFullAccess: 'Provides full access to Resource Access Management (RAM).',
  AliyunRAMReadOnlyAccess: 'Provides read-only access to Resource Access Management (RAM).',
  AliyunSTSAssumeRoleAccess:
    'Provides access to call the AssumeRole operation of Security Token Service (STS).',
};

/** System policies are never edited, so each has one version. */
export const SYSTEM_POLICY_VERSION = 'v1';

export const isSystemPolicy = (name: string): boolean => Object.hasOwn(SYSTEM_POLICIES, name);

export const systemPolicyDescription = (name: string): string =>
  Object.hasOwn(descriptions, name) ? descriptions[name]! : '';

/** True when system policy `name` allows `ramAction`; an unknown policy name allows nothing. */
export function policyAllows(name: string, ramAction: string): boolean {
  const patterns = Object.hasOwn(SYSTEM_POLICIES, name) ? SYSTEM_POLICIES[name]! : [];
  const action = ramAction.toLowerCase();
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? action.startsWith(pattern.slice(0, -1)) : action === pattern,
  );
}
