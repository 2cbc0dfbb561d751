import { formatAlibabaTime } from '../../../../common/alibaba-time.js';
import type { LoginProfile } from '../../../../store/index.js';

/** A login profile as IMS's `LoginProfile` structures show it; never its password hash. */
export function loginProfileBody(profile: LoginProfile): Record<string, unknown> {
  return {
    UserPrincipalName: profile.userPrincipalName,
    PasswordResetRequired: profile.passwordResetRequired,
    MFABindRequired: profile.mfaBindRequired,
    Status: profile.status,
    UpdateDate: formatAlibabaTime(profile.updatedAt),
  };
}
