import type { ConsoleSession } from '../../api/console-session';

/** The account's security preference as the Settings page shows it. */
export interface SecurityPreference {
  /** Hours, 1–24. */
  readonly loginSessionDuration: number;
  readonly allowUserToChangePassword: boolean;
  readonly allowUserToManageAccessKeys: boolean;
  /** Canonical masks; none means any network. */
  readonly loginNetworkMasks: readonly string[];
  readonly accessKeyRotationDays: number;
  readonly impactPreviewDays: number;
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/**
 * GetSecurityPreference groups its fields as IMS does (`LoginProfilePreference`,
 * `AccessKeyPreference`, …) and adds KeyFence's own beside them: look a name up in any group
 * rather than hard-wiring the group each lives in.
 */
const field = (preference: Json, name: string): unknown => {
  if (name in preference) return preference[name];
  for (const group of Object.values(preference)) if (isObject(group) && name in group) return group[name];
  return undefined;
};

const asNumber = (value: unknown, fallback: number): number => {
  const number = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : fallback;
};

const asBoolean = (value: unknown, fallback: boolean): boolean =>
  value === true || value === 'true' ? true : value === false || value === 'false' ? false : fallback;

export const splitMasks = (stored: unknown): string[] =>
  typeof stored === 'string' ? stored.split(';').filter((mask) => mask !== '') : [];

/** Reads a GetSecurityPreference answer; the session's values stand in for KeyFence's fields. */
export const readSecurityPreference = (answer: Json, session: ConsoleSession): SecurityPreference => {
  const preference = isObject(answer.SecurityPreference) ? answer.SecurityPreference : {};
  return {
    loginSessionDuration: asNumber(field(preference, 'LoginSessionDuration'), 6),
    allowUserToChangePassword: asBoolean(field(preference, 'AllowUserToChangePassword'), true),
    allowUserToManageAccessKeys: asBoolean(field(preference, 'AllowUserToManageAccessKeys'), false),
    loginNetworkMasks: splitMasks(field(preference, 'LoginNetworkMasks')),
    accessKeyRotationDays: asNumber(field(preference, 'AccessKeyRotationDays'), session.RotationDays),
    impactPreviewDays: asNumber(field(preference, 'ImpactPreviewDays'), session.PreviewWindowDays),
  };
};
