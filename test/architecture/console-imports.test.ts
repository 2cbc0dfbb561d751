import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The browser app shares the server's parsers, not its runtime: console/src reaches into src/ only
// through the two Vite aliases, and what those aliases bring in must run in a browser, so nothing
// they load (however indirectly) may import a Node.js module.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const consoleSrc = join(root, 'console', 'src');
const ALIASES: Readonly<Record<string, string>> = {
  '@keyfence/net': join(root, 'src', 'net'),
  '@keyfence/policy': join(root, 'src', 'policy'),
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

// Static imports and re-exports, side-effect imports and dynamic import() (lazy pages), type-only too.
const SPECIFIERS = [
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/g,
  /(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!));
}

const NODE_BUILTINS = new Set(builtinModules);
const isNodeModule = (specifier: string): boolean =>
  specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]!);

/** The file a relative specifier names, as TypeScript resolves it (`.js` written for `.ts`). */
function resolveRelative(from: string, specifier: string): string {
  return resolveFile(
    normalize(join(dirname(from), specifier)),
    `${relative(root, from)} imports ${specifier}`,
  );
}

function resolveFile(base: string, what: string): string {
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate) && !statSync(candidate).isDirectory());
  assert.ok(found !== undefined, `${what}, which does not exist`);
  return found;
}

const aliasTarget = (specifier: string): string | undefined => {
  for (const [alias, folder] of Object.entries(ALIASES)) {
    if (specifier.startsWith(`${alias}/`)) return join(folder, specifier.slice(alias.length + 1));
  }
  return undefined;
};

/** Every file of src/ the console loads through its aliases, followed through relative imports. */
function aliasedClosure(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const pending: string[] = [];
  for (const file of sourceFiles(consoleSrc)) {
    for (const specifier of specifiers(file)) {
      const target = aliasTarget(specifier);
      if (target !== undefined)
        pending.push(resolveFile(target, `${relative(root, file)} imports ${specifier}`));
    }
  }
  // Whatever the console uses today, the aliased folders as a whole must stay browser-safe.
  for (const folder of Object.values(ALIASES)) pending.push(...sourceFiles(folder));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    const found = specifiers(file);
    seen.set(file, found);
    for (const specifier of found) {
      if (specifier.startsWith('.')) pending.push(resolveRelative(file, specifier));
    }
  }
  return seen;
}

describe('the console imports', () => {
  it('reach src/ only through @keyfence/net and @keyfence/policy', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(consoleSrc)) {
      for (const specifier of specifiers(file)) {
        const where = `${relative(root, file)}: ${specifier}`;
        if (specifier.startsWith('.')) {
          const target = resolveRelative(file, specifier);
          if (relative(consoleSrc, target).startsWith('..')) wrong.push(`${where} (outside console/src)`);
        } else if (specifier.startsWith('@keyfence/')) {
          if (aliasTarget(specifier) === undefined) wrong.push(`${where} (not an alias of vite.config.ts)`);
        } else if (isNodeModule(specifier)) {
          wrong.push(`${where} (a Node.js module)`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('bring in no Node.js module, directly or not', () => {
    const closure = aliasedClosure();
    assert.ok(closure.size > 0);
    const wrong: string[] = [];
    for (const [file, found] of closure) {
      for (const specifier of found) {
        if (isNodeModule(specifier)) wrong.push(`${relative(root, file)}: ${specifier}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('resolve the aliases the way vite.config.ts and console/tsconfig.json do', () => {
    const vite = readFileSync(join(root, 'console', 'vite.config.ts'), 'utf8');
    const tsconfig = readFileSync(join(root, 'console', 'tsconfig.json'), 'utf8');
    for (const [alias, folder] of Object.entries(ALIASES)) {
      const target = relative(join(root, 'console'), folder);
      assert.ok(vite.includes(`'${alias}': fileURLToPath(new URL('${target}'`), `vite.config.ts: ${alias}`);
      assert.ok(tsconfig.includes(`"${alias}/*": ["${target}/*"]`), `tsconfig.json: ${alias}`);
    }
  });
});
