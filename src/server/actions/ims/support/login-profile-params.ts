import type { LoginProfileStatus } from '../../../../store/index.js';
import { optionalBoolean, optionalEnum, type Params } from '../../support/params.js';

const STATUSES: readonly LoginProfileStatus[] = ['Active', 'Inactive'];

/** The settings CreateLoginProfile and UpdateLoginProfile share; each undefined when not given. */
export function readLoginProfileSettings(params: Params): {
  passwordResetRequired: boolean | undefined;
  mfaBindRequired: boolean | undefined;
  status: LoginProfileStatus | undefined;
} {
  return {
    passwordResetRequired: optionalBoolean(params, 'PasswordResetRequired'),
    mfaBindRequired: optionalBoolean(params, 'MFABindRequired'),
    status: optionalEnum(params, 'Status', STATUSES),
  };
}
