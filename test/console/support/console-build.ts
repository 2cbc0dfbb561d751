import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
let building: Promise<void> | undefined;

/**
 * `npm test` builds the console first; a single test file run on its own builds it here when
 * dist/console is missing, so the browser always loads the code under test.
 */
export function buildConsoleOnce(): Promise<void> {
  if (existsSync(join(process.cwd(), 'dist/console/index.html'))) return Promise.resolve();
  building ??= run('npx', ['vite', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
    cwd: process.cwd(),
  }).then(() => undefined);
  return building;
}
