import type { SecurityPreference } from '../../../../store/index.js';

/**
 * IMS's `SecurityPreference` structure, with the parts KeyFence stores; KeyFence's own settings
 * in `KeyFencePreference`, which the SDKs ignore.
 */
export function securityPreferenceBody(preference: SecurityPreference): Record<string, unknown> {
  return {
    SecurityPreference: {
      LoginProfilePreference: {
        LoginSessionDuration: preference.loginSessionDuration,
        AllowUserToChangePassword: preference.allowUserToChangePassword,
        LoginNetworkMasks: preference.loginNetworkMasks,
      },
      AccessKeyPreference: { AllowUserToManageAccessKeys: preference.allowUserToManageAccessKeys },
      KeyFencePreference: {
        AccessKeyRotationDays: preference.accessKeyRotationDays,
        ImpactPreviewDays: preference.impactPreviewDays,
      },
    },
  };
}
