import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// The console's first load (shell, sign-in, router, antd's core) stays under 500 kB gzipped, and
// charts come only with the pages that draw them. Measured from the build's own manifest, so it is
// what a browser would fetch before the first page's chunk.

const BUDGET_BYTES = 500 * 1000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist', 'console');
const manifestPath = join(dist, '.vite', 'manifest.json');

interface ManifestChunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly css?: readonly string[];
}

type Manifest = Readonly<Record<string, ManifestChunk>>;

/** `npm test` builds first; run alone, the test builds the console itself. */
function readManifest(): Manifest {
  if (!existsSync(manifestPath)) {
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    execFileSync(
      process.execPath,
      [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
  return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
}

/** The entry and every chunk it imports statically (dynamic imports are the lazy pages). */
function initialLoad(manifest: Manifest): { readonly scripts: string[]; readonly styles: string[] } {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry === true);
  assert.equal(entries.length, 1, 'one entry, index.html');
  const seen = new Set<string>();
  const pending = [entries[0]![0]];
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    pending.push(...(manifest[key]?.imports ?? []));
  }
  const chunks = [...seen].map((key) => manifest[key]!);
  return {
    scripts: chunks.map((chunk) => chunk.file),
    styles: [...new Set(chunks.flatMap((chunk) => chunk.css ?? []))],
  };
}

const gzipped = (file: string): number => gzipSync(readFileSync(join(dist, file))).length;

describe('the console build', () => {
  let manifest: Manifest = {};
  let scripts: string[] = [];
  let styles: string[] = [];
  before(() => {
    manifest = readManifest();
    ({ scripts, styles } = initialLoad(manifest));
  });

  it(`loads under ${BUDGET_BYTES / 1000} kB gzipped before the first page`, () => {
    const sizes = [...scripts, ...styles].map((file) => ({ file, bytes: gzipped(file) }));
    const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
    assert.ok(
      total < BUDGET_BYTES,
      `initial load ${total} bytes gzipped: ${sizes.map(({ file, bytes }) => `${file} ${bytes}`).join(', ')}`,
    );
  });

  it('keeps recharts out of the initial load', () => {
    for (const file of scripts) {
      const text = readFileSync(join(dist, file), 'utf8');
      // recharts names its SVG wrapper classes recharts-*; no other package of ours says so.
      assert.ok(!text.includes('recharts-'), `${file} carries recharts`);
    }
    const fromRecharts = Object.values(manifest).filter(
      (chunk) => scripts.includes(chunk.file) && (chunk.src ?? '').includes('node_modules/recharts/'),
    );
    assert.deepEqual(fromRecharts, []);
  });

  it('splits every page into a chunk of its own', () => {
    const pages = Object.values(manifest).filter((chunk) => (chunk.src ?? '').startsWith('src/pages/'));
    assert.ok(pages.length > 0, 'page chunks in the manifest');
    for (const page of pages) assert.ok(!scripts.includes(page.file), `${page.src} is in the initial load`);
  });
});
