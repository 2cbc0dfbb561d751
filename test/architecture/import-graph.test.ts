import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The layering the source tree promises, checked over every relative import in src/ (type-only
// ones too: a type cycle is still a cycle to a reader). A folder may import only from a folder of
// a lower layer; inside server/, the same between its subfolders, with files directly in
// server/ (the front that assembles everything) above them all.

const LAYERS: Readonly<Record<string, number>> = {
  common: 0,
  net: 1,
  policy: 2,
  auth: 2,
  store: 3,
  insights: 3,
  request: 4,
  audit: 5,
  sync: 5,
  config: 5,
  server: 6,
  cli: 7,
};

const SERVER_LAYERS: Readonly<Record<string, number>> = {
  http: 0,
  errors: 1,
  metrics: 1,
  access: 2,
  node: 3,
  rpc: 4,
  'forward-auth': 4,
  gateway: 4,
  health: 4,
  actions: 5,
  console: 5,
  '.': 6,
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

/** Each source file (relative to src/) → the source files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) =>
      relative(src, normalize(join(dirname(file), match[1]!.replace(/\.js$/, '.ts')))),
    );
    graph.set(relative(src, file), targets);
  }
  return graph;
}

function layerOf(file: string): {
  readonly name: string;
  readonly rank: number;
  readonly inner?: { readonly name: string; readonly rank: number };
} {
  const [top, sub] = file.split('/');
  const rank = LAYERS[top!];
  assert.ok(rank !== undefined, `src/${top}/ has no layer: add it to LAYERS in this test`);
  if (top !== 'server') return { name: top!, rank };
  const innerName = file.split('/').length === 2 ? '.' : sub!;
  const innerRank = SERVER_LAYERS[innerName];
  assert.ok(innerRank !== undefined, `src/server/${innerName}/ has no layer: add it to SERVER_LAYERS`);
  return { name: top!, rank, inner: { name: innerName, rank: innerRank } };
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('resolves every relative import to a source file', () => {
    const unresolved = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`),
    );
    assert.deepEqual(unresolved, []);
  });

  it('has no import cycle', () => {
    assert.deepEqual(cycles(graph), []);
  });

  it('imports only inward: from a lower layer, never a peer or a higher one', () => {
    const outward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        if (!graph.has(target)) continue;
        const to = layerOf(target);
        const allowed =
          from.name === to.name
            ? from.inner === undefined ||
              from.inner.name === to.inner!.name ||
              to.inner!.rank < from.inner.rank
            : to.rank < from.rank;
        if (!allowed) outward.push(`${file} → ${target}`);
      }
    }
    assert.deepEqual(outward, []);
  });

  it('fails on a cycle and on an outward import (the checks can fail)', () => {
    const looped = new Map([
      ['a/x.ts', ['a/y.ts']],
      ['a/y.ts', ['a/x.ts']],
      ['a/z.ts', []],
    ]);
    assert.deepEqual(cycles(looped), [['a/x.ts', 'a/y.ts']]);
    assert.ok(layerOf('net/address.ts').rank < layerOf('policy/decision.ts').rank);
    assert.ok(layerOf('server/access/passage.ts').inner!.rank < layerOf('server/rpc/action.ts').inner!.rank);
  });
});
