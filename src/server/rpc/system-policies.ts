/**
 * The RAM system policies KeyFence knows, as the action patterns each allows. A pattern is an
 * action (`sts:AssumeRole`) or a prefix ending in `*` (`ram:Get*`); RAM compares actions
 * case-insensitively, so the patterns are kept in lower case.
 */
export const SYSTEM_POLICIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  AdministratorAccess: ['*'],
  AliyunRAMFullAccess: ['ram:*'],
  AliyunRAMReadOnlyAccess: ['ram:get*', 'ram:list*'],
  AliyunSTSAssumeRoleAccess: ['sts:assumerole'],
});

/** True when system policy `name` allows `ramAction`; an unknown policy name allows nothing. */
export function policyAllows(name: string, ramAction: string): boolean {
  const patterns = Object.hasOwn(SYSTEM_POLICIES, name) ? SYSTEM_POLICIES[name]! : [];
  const action = ramAction.toLowerCase();
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? action.startsWith(pattern.slice(0, -1)) : action === pattern,
  );
}
