/**
 * The gateways and balancers the integration tests run (Debian's nginx, caddy and haproxy
 * packages). A missing binary skips the tests on a developer's machine, with the command that
 * installs it; in CI (`CI` set) it fails them, since .ci/run installs them.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const EXTRA_PATHS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The path of an executable named `name` on PATH (and the sbin directories), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_PATHS];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const inCi = (): boolean =>
  process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0';

/**
 * The `skip` option of a suite that needs `name`: false when it is installed or in CI (where its
 * absence must fail, see requireBinary), otherwise the reason shown.
 */
export function skipWithout(name: string): string | false {
  if (findBinary(name) !== undefined || inCi()) return false;
  return `${name} is not installed: sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${name} (CI installs it and fails without it)`;
}

/** The binary's path; throws when it is missing, which only happens here in CI. */
export function requireBinary(name: string): string {
  const path = findBinary(name);
  if (path === undefined) {
    throw new Error(
      `${name} is not installed, and CI is set: .ci/run must install it (apt-get install -y ${name})`,
    );
  }
  return path;
}
