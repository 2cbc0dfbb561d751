import { SYSTEM_POLICIES } from '../../rpc/system-policies.js';

/**
 * The system policies as RAM lists them. Which actions each allows is authorisation's
 * (src/server/rpc/system-policies.ts); this adds what ListPoliciesForUser shows about them.
 */
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
