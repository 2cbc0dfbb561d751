/**
 * The configuration files docs/configuration.md shows load as shown: every `yaml` block is a
 * valid file on its own, and the full example reads the same written in JSON, as the page says.
 * What the page shows is what is tested.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';

const page = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
const blocks = [...page.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const dir = await mkdtemp(join(tmpdir(), 'keyfence-documented-config-'));
after(() => rm(dir, { recursive: true, force: true }));

async function load(name: string, text: string) {
  const file = join(dir, name);
  await writeFile(file, text);
  const loaded = await loadConfig({ config: file }, {}, 'docs-host');
  assert.ok(loaded.ok, `${name} loads: ${JSON.stringify(loaded.ok ? null : loaded.error, null, 1)}`);
  return loaded.value;
}

test('every yaml block of docs/configuration.md is a valid configuration file', async () => {
  assert.equal(blocks.length, 2, 'the vpcEndpoints fragment and the full example');
  for (const [index, block] of blocks.entries()) await load(`block-${index}.yaml`, block);
});

test('the full example: what it says, and the same written in JSON', async () => {
  const example = blocks.find((block) => block.includes('listeners:'));
  assert.ok(example !== undefined, 'the page has the full example');
  const fromYaml = await load('keyfence.yaml', example);
  assert.equal(fromYaml.nodeId, 'edge-1');
  assert.deepEqual(
    fromYaml.listeners.map((listener) => [listener.role, listener.proxyProtocol, listener.vpcEndpointOf]),
    [
      ['api', 'off', undefined],
      ['api', 'v2', undefined],
      ['api', 'off', 'vpc-bp1abc'],
      ['gateway', 'off', undefined],
    ],
  );
  assert.deepEqual([...fromYaml.vpcEndpoints], [['vpce-0a1b2c3d4e5f67890', 'vpc-bp1abc']]);
  assert.deepEqual(
    fromYaml.gateway.routes.map((route) => route.upstream.href),
    ['http://127.0.0.1:7001/', 'https://ram.internal:8443/'],
  );

  const fromJson = await load('keyfence.json', JSON.stringify(parse(example), null, 2));
  assert.deepEqual(fromJson, fromYaml);
});
