import { hostname } from 'node:os';
import { err, ok, type Result } from '../common/result.js';
import { buildConfig, type ConfigFlags } from './build-config.js';
import type { ConfigProblem } from './config-problem.js';
import { Problems } from './config-values.js';
import type { KeyFenceConfig } from './keyfence-config.js';
import { readConfigFile } from './read-config-file.js';

/**
 * The configuration of `keyfence serve`: the file named by `--config` or `KEYFENCE_CONFIG` (if
 * any), overridden by the `KEYFENCE_*` variables, overridden by the flags. Every problem is
 * reported, each naming its key, variable or flag.
 */
export async function loadConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
  host: string = hostname(),
): Promise<Result<KeyFenceConfig, ConfigProblem[]>> {
  const problems = new Problems();
  const fromEnv = env.KEYFENCE_CONFIG === '' ? undefined : env.KEYFENCE_CONFIG;
  const source = flags.config !== undefined ? '--config' : 'KEYFENCE_CONFIG';
  const path = flags.config ?? fromEnv;
  const file = path === undefined ? undefined : await readConfigFile(path, source, problems);
  const config = buildConfig({ file, env, flags, hostname: host }, problems);
  return config === undefined || problems.list.length > 0 ? err(problems.list) : ok(config);
}
