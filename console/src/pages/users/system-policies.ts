/**
 * The system policies KeyFence has (the server's SYSTEM_POLICIES). There is no ListPolicies action
 * to ask, so the picker lists them; AttachPolicyToUser still refuses a name the server lacks.
 */
export const SYSTEM_POLICY_NAMES: readonly string[] = [
  'AdministratorAccess',
  'AliyunRAMFullAccess',
  'AliyunRAMReadOnlyAccess',
  'AliyunSTSAssumeRoleAccess',
];
