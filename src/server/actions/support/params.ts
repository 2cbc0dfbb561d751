import { invalidParameter, missingParameter } from '../../errors/api-error.js';

/** The request parameters an action reads, names as Alibaba spells them. */
export type Params = Readonly<Record<string, string>>;

export interface TextRule {
  /** In UTF-16 code units, as the store (and Alibaba's Java services) count characters. */
  readonly minLength?: number;
  readonly maxLength: number;
  /** The whole value must match; `shape` says in words what it allows. */
  readonly pattern?: RegExp;
  readonly shape?: string;
}

// Free text (names shown to people, comments) may hold any character but control characters,
// which would only corrupt logs and consoles.
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A parameter that must be present. An empty value counts as missing: the SDKs send a
 * parameter set to `''` as `Name=`, and Alibaba treats that as not given.
 */
export function requiredText(params: Params, name: string, rule: TextRule): string {
  const value = optionalText(params, name, rule);
  if (value === undefined) throw missingParameter(name);
  return value;
}

/** A parameter that may be absent (or empty, which is the same); checked against `rule` when given. */
export function optionalText(params: Params, name: string, rule: TextRule): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const { length } = value;
  const min = rule.minLength ?? 1;
  if (length < min || length > rule.maxLength) {
    throw invalidParameter(name, `it must be ${min} to ${rule.maxLength} characters long.`);
  }
  if (rule.pattern !== undefined && !rule.pattern.test(value)) {
    throw invalidParameter(name, `it must be ${rule.shape ?? 'well-formed'}.`);
  }
  if (rule.pattern === undefined && hasControlCharacter(value)) {
    throw invalidParameter(name, 'it must not contain control characters.');
  }
  return value;
}

export function requiredEnum<T extends string>(params: Params, name: string, values: readonly T[]): T {
  const value = optionalEnum(params, name, values);
  if (value === undefined) throw missingParameter(name);
  return value;
}

/** Case-sensitive, as Alibaba compares these values. */
export function optionalEnum<T extends string>(
  params: Params,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidParameter(name, `it must be one of ${values.join(', ')}.`);
  }
  return value as T;
}

/** `true` or `false`, as the SDKs send booleans; undefined when absent or empty. */
export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw invalidParameter(name, 'it must be true or false.');
  return value === 'true';
}

/**
 * A whole number in `[min, max]`, written in plain decimal: no sign, exponent, fraction or
 * leading zero, so that `1e3`, `0x10` and ` 900` are refused rather than guessed at.
 */
export function optionalInteger(
  params: Params,
  name: string,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const number = /^(0|[1-9][0-9]{0,14})$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= range.min && number <= range.max)) {
    throw invalidParameter(name, `it must be a whole number from ${range.min} to ${range.max}.`);
  }
  return number;
}
