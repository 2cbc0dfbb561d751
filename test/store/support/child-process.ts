import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { testMasterKey } from './store-harness.js';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const relativeImport = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g;

let build: Promise<string> | undefined;
// Registered when the test file loads this module, so it runs after the file's last test.
after(async () => {
  if (build !== undefined) await rm(await build, { recursive: true, force: true });
});

/**
 * Starts a fixture from test/store/fixtures in its own Node process, with the test master key
 * in its environment.
 *
 * The fixture and the sources it imports are transpiled once per test process with the
 * project's TypeScript (no type check) and run with plain `node`, instead of `node --import
 * tsx`: under tsx's loader hooks every one of Kysely's ~280 modules costs a round trip to the
 * hooks thread, about 1.3 s of CPU per child, and the crash test starts over a hundred.
 */
export async function spawnFixture(name: string, argument: unknown): Promise<ChildProcess> {
  build ??= transpileFixtures();
  const script = join(await build, 'test/store/fixtures', `${name}.js`);
  return spawn(process.execPath, [script, JSON.stringify(argument)], {
    env: { ...process.env, KEYFENCE_MASTER_KEY: testMasterKey.encode() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a fixture to completion and parses the JSON line it prints. */
export async function runFixture<T>(name: string, argument: unknown): Promise<T> {
  const child = await spawnFixture(name, argument);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as T);
      else reject(new Error(`fixture ${name} exited with ${code}: ${stderr}`));
    });
  });
}

/** Transpiles every fixture and, following relative imports, every module they load. */
async function transpileFixtures(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'keyfence-fixtures-'));
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  await symlink(join(repository, 'node_modules'), join(out, 'node_modules'), 'dir');
  const fixtures = join(repository, 'test/store/fixtures');
  const pending = ['crash-writer.ts', 'store-worker.ts'].map((file) => join(fixtures, file));
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop()!;
    if (done.has(source)) continue;
    done.add(source);
    const text = await readFile(source, 'utf8');
    for (const [, path] of text.matchAll(relativeImport))
      pending.push(resolve(dirname(source), `${path}.ts`));
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(out, relative(repository, source)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return out;
}
