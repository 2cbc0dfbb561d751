/** Why a configuration was refused; stable, for scripts and tests. */
export type ConfigProblemCode =
  /** The file could not be read (missing, unreadable, or a name that is neither YAML nor JSON). */
  | 'Config.Unreadable'
  /** The file is not valid YAML or JSON. */
  | 'Config.Syntax'
  /** A key appears twice in the same object of the file. */
  | 'Config.DuplicateKey'
  /** A key KeyFence does not know (often a misspelling: it would otherwise be silently ignored). */
  | 'Config.UnknownKey'
  /** A value of the wrong type, out of range, or not in the form the key takes. */
  | 'Config.InvalidValue'
  /** A required key is absent. */
  | 'Config.Missing'
  /** Two settings that cannot both be given. */
  | 'Config.Conflict';

/**
 * One problem with the configuration. `path` names where it is: a file key path
 * (`listeners[1].proxyProtocol`), an environment variable (`KEYFENCE_LISTEN`) or a flag
 * (`--listen`).
 */
export interface ConfigProblem {
  readonly code: ConfigProblemCode;
  readonly path: string;
  readonly message: string;
}

/** `listeners[1].proxyProtocol: expected one of off, v1, v2, any (Config.InvalidValue)`. */
export function formatConfigProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message} (${problem.code})`;
}
