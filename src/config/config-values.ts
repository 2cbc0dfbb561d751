import type { ConfigProblem, ConfigProblemCode } from './config-problem.js';

/** Collects every problem of one configuration, so that all are reported at once. */
export class Problems {
  readonly list: ConfigProblem[] = [];

  /** Records a problem; returns undefined so that a reader can `return problems.add(…)`. */
  add(code: ConfigProblemCode, path: string, message: string): undefined {
    this.list.push({ code, path, message });
    return undefined;
  }

  invalid(path: string, message: string): undefined {
    return this.add('Config.InvalidValue', path, message);
  }
}

/**
 * One setting as given by its winning source, and where that was: a file key path, an
 * environment variable or a flag. A list from a flag or a variable names its items by the
 * source alone; a list from the file, by index.
 */
export interface Setting {
  readonly value: unknown;
  readonly path: string;
  readonly indexed?: boolean;
}

/** The first setting given, in order of precedence. */
export function firstGiven(...settings: readonly (Setting | undefined)[]): Setting | undefined {
  return settings.find((setting) => setting !== undefined && setting.value !== undefined);
}

/** Where item `index` of a list setting is. */
export const itemPath = (setting: Setting, index: number): string =>
  setting.indexed ? indexPath(setting.path, index) : setting.path;

/** `parent.key`, or `key` at the top. */
export const keyPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

export const indexPath = (parent: string, index: number): string => `${parent}[${index}]`;

/** A value as a message shows it: JSON, cut short. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object whose keys are all in `known`; each unknown key is a problem (a misspelt key would
 * otherwise leave its default silently in force). Undefined when `value` is not an object.
 */
export function readObject(
  value: unknown,
  path: string,
  known: readonly string[],
  problems: Problems,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value))
    return problems.invalid(path || '(top level)', `expected an object, got ${shown(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.add(
        'Config.UnknownKey',
        keyPath(path, key),
        `unknown key; known keys here: ${known.join(', ')}`,
      );
    }
  }
  return value;
}

/** A map with keys of the caller's choosing (checked by the caller). */
export function readMap(
  value: unknown,
  path: string,
  problems: Problems,
): Record<string, unknown> | undefined {
  return isPlainObject(value) ? value : problems.invalid(path, `expected an object, got ${shown(value)}`);
}

export function readArray(value: unknown, path: string, problems: Problems): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : problems.invalid(path, `expected a list, got ${shown(value)}`);
}

export function readString(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value !== 'string') return problems.invalid(path, `expected a string, got ${shown(value)}`);
  if (value === '') return problems.invalid(path, 'must not be empty');
  return value;
}

export function readBoolean(value: unknown, path: string, problems: Problems): boolean | undefined {
  return typeof value === 'boolean'
    ? value
    : problems.invalid(path, `expected true or false, got ${shown(value)}`);
}

export function readPositiveInteger(
  value: unknown,
  path: string,
  problems: Problems,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    return problems.invalid(path, `expected a whole number from 1 to ${max}, got ${shown(value)}`);
  }
  return value;
}

export function readChoice<T extends string>(
  value: unknown,
  path: string,
  choices: readonly T[],
  problems: Problems,
): T | undefined {
  return choices.includes(value as T)
    ? (value as T)
    : problems.invalid(path, `expected one of ${choices.join(', ')}, got ${shown(value)}`);
}
