/**
 * The checks the configuration is validated with. zod checks each setting's shape (types,
 * unknown keys, choices, ranges, defaults) and `check` turns its issues into problems with
 * stable codes, all at once. By hand, because zod does not do them: merging the sources by
 * precedence and naming each problem by its key, variable or flag (build-config.ts, listeners
 * merged with --listen and --tls-*); addresses and CIDRs, parsed by src/net as everywhere else;
 * reading the file (read-config-file.ts: YAML, JSON, duplicate keys).
 */
import { z } from 'zod';
import type { Result } from '../common/result.js';
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

/** Item `index` of a list setting: by index in the file, by the source alone from a flag or a variable. */
export const itemOf = (setting: Setting, index: number): Setting => ({
  ...setting,
  value: (setting.value as readonly unknown[])[index],
  path: setting.indexed ? `${setting.path}[${index}]` : setting.path,
});

/** `parent.key`, or `key` at the top. */
export const keyPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** A value as a message shows it: JSON, cut short. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/**
 * Validates one setting with its schema; every issue becomes a problem named by the setting's
 * path and the issue's place in it. A required key left out is `Config.Missing`, an unknown key
 * `Config.UnknownKey` (each named), anything else `Config.InvalidValue` unless the check that
 * raised it says otherwise (`params.code`).
 */
export function check<T>(schema: z.ZodType<T>, setting: Setting, problems: Problems): T | undefined {
  const parsed = schema.safeParse(setting.value, { reportInput: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    let path = setting.path;
    for (const key of issue.path) {
      if (typeof key !== 'number') path = keyPath(path, String(key));
      else if (setting.indexed) path = `${path}[${key}]`;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.add('Config.UnknownKey', keyPath(path, key), issue.message);
    } else {
      problems.add(problemCode(issue), path || '(top level)', issue.message);
    }
  }
  return undefined;
}

function problemCode(issue: z.core.$ZodIssue): ConfigProblemCode {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Config.Missing';
  return (issue.code === 'custom' && issue.params?.code) || 'Config.InvalidValue';
}

/** A custom issue's params, to report it as a missing key. */
export const MISSING = { params: { code: 'Config.Missing' } } as const;

/** A non-empty string; `missing` is the message when its key is required and left out. */
export const text = (missing = 'required') =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? missing : `expected a string, got ${shown(issue.input)}`,
    })
    .min(1, { error: 'must not be empty', abort: true });

export const flag = () =>
  z.boolean({ error: (issue) => `expected true or false, got ${shown(issue.input)}` });

export function wholeNumber(max = Number.MAX_SAFE_INTEGER) {
  const error = (issue: { input?: unknown }) =>
    `expected a whole number from 1 to ${max}, got ${shown(issue.input)}`;
  return z.number({ error }).refine((n) => Number.isSafeInteger(n) && n >= 1 && n <= max, { error });
}

export const choice = <const T extends readonly string[]>(choices: T) =>
  z.enum(choices, {
    error: (issue) => `expected one of ${choices.join(', ')}, got ${shown(issue.input)}`,
  });

export const list = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: (issue) => `expected a list, got ${shown(issue.input)}` });

/**
 * An object whose keys are all in `shape`; each unknown key is a problem (a misspelt key would
 * otherwise leave its default silently in force).
 */
export const section = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key; known keys here: ${Object.keys(shape).join(', ')}`
        : `expected an object, got ${shown(issue.input)}`,
  });

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * For a check across the keys of an object: run it even when the object's other keys have
 * problems (zod would skip it), as long as `keys` have none, so that every problem is reported
 * at once.
 */
export const unlessProblemsIn = (...keys: string[]) => ({
  when: ({ value, issues }: z.core.ParsePayload) =>
    isRecord(value) && !issues.some((issue) => keys.includes(String(issue.path?.[0]))),
});

/** A string checked by `test`, with `message` naming what it should have been. */
export const matching = (
  test: (text: string) => boolean,
  message: (text: string) => string,
  missing?: string,
) => text(missing).refine(test, { error: (issue) => message(issue.input as string) });

/** A string `parse` turns into a value; its error is the message. */
export const parsedBy = <T>(parse: (text: string) => Result<T, string>, missing?: string) =>
  text(missing).transform((text, context) => {
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    context.issues.push({ code: 'custom', message: parsed.error, input: text });
    return z.NEVER;
  });
