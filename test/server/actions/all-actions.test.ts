import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PRODUCTS, type Product } from '../../../src/request/product.js';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import type { ActionDefinition } from '../../../src/server/rpc/action.js';
import { ActionRegistry } from '../../../src/server/rpc/action-registry.js';

// The registry's invariants, not its list: each product's folder holds its actions, one a file
// named after it, and lists them in its index; ALL_ACTIONS composes the folders' lists.

const actionsDir = fileURLToPath(new URL('../../../src/server/actions/', import.meta.url));

/** The product folders: every folder of actions/ but the shared helpers. */
const folders = readdirSync(actionsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'support')
  .map((entry) => entry.name)
  .sort();

/** The prefix of the RAM actions that authorize a product's calls. */
const RAM_ACTION_PREFIX: Readonly<Record<Product, string>> = {
  Ims: 'ram',
  Ram: 'ram',
  Sts: 'sts',
  Actiontrail: 'actiontrail',
  Keyfence: 'keyfence',
};

const keyOf = (action: ActionDefinition) => `${action.product}:${action.name}`;

function isAction(value: unknown): value is ActionDefinition {
  return typeof value === 'object' && value !== null && 'handle' in value && 'product' in value;
}

/** `SetAccessKeyPolicyForAccount` → `set-access-key-policy-for-account`. */
function kebab(name: string): string {
  return name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase();
}

async function folderList(folder: string): Promise<readonly ActionDefinition[]> {
  const index = (await import(join(actionsDir, folder, 'index.ts'))) as Record<string, unknown>;
  const list = index[`${folder.toUpperCase()}_ACTIONS`];
  assert.ok(Array.isArray(list), `${folder}/index.ts exports ${folder.toUpperCase()}_ACTIONS`);
  return list as readonly ActionDefinition[];
}

test('each product has its folder, and no folder is for an unknown product', () => {
  assert.deepEqual(
    folders,
    Object.keys(PRODUCTS)
      .map((product) => product.toLowerCase())
      .sort(),
  );
});

for (const folder of folders) {
  test(`${folder}/: one action a file, named after it, each listed once in its index`, async () => {
    const list = await folderList(folder);
    assert.ok(list.length > 0, `${folder}/index.ts lists no action`);
    const files = readdirSync(join(actionsDir, folder)).filter(
      (name) => name.endsWith('.ts') && name !== 'index.ts',
    );
    const found: ActionDefinition[] = [];
    for (const file of files) {
      const module = (await import(join(actionsDir, folder, file))) as Record<string, unknown>;
      const actions = Object.values(module).filter(isAction);
      assert.equal(actions.length, 1, `${folder}/${file} holds one action; helpers go in ${folder}/support/`);
      const [action] = actions as [ActionDefinition];
      assert.equal(file, `${kebab(action.name)}.ts`, `the file of ${action.name}`);
      assert.ok(list.includes(action), `${folder}/index.ts lists ${action.name}`);
      found.push(action);
    }
    assert.equal(list.length, found.length, `${folder}/index.ts lists only its folder's actions, once`);
    for (const action of list)
      assert.equal(action.product.toLowerCase(), folder, `the product of ${action.name}`);
  });
}

test('ALL_ACTIONS is every folder’s list', async () => {
  const lists = await Promise.all(folders.map(folderList));
  assert.deepEqual(new Set(ALL_ACTIONS), new Set(lists.flat()));
  assert.equal(ALL_ACTIONS.length, lists.flat().length);
});

test('each action is defined once, for a product KeyFence serves', () => {
  const keys = ALL_ACTIONS.map(keyOf);
  assert.equal(new Set(keys).size, keys.length, 'an action is defined twice');
  for (const action of ALL_ACTIONS) assert.ok(Object.hasOwn(PRODUCTS, action.product), keyOf(action));
});

test("each action is authorized by the RAM action of its product's prefix and its own name", () => {
  for (const action of ALL_ACTIONS) {
    if (action.ramAction === null) continue;
    assert.equal(action.ramAction, `${RAM_ACTION_PREFIX[action.product]}:${action.name}`, keyOf(action));
  }
});

// ChangePassword too, as on Alibaba Cloud: the account's AllowUserToChangePassword is its
// permission, and its handler refuses every caller but the RAM user changing its own password.
test('only GetCallerIdentity and ChangePassword are open to any authenticated caller', () => {
  assert.deepEqual(ALL_ACTIONS.filter((action) => action.ramAction === null).map(keyOf), [
    'Ims:ChangePassword',
    'Sts:GetCallerIdentity',
  ]);
});

test('the server core can register them all', () => {
  const registry = new ActionRegistry(ALL_ACTIONS);
  for (const action of ALL_ACTIONS) assert.equal(registry.find(action.product, action.name), action);
});

test('the registry refuses an action defined twice, and a product KeyFence does not serve', () => {
  const [first] = ALL_ACTIONS as [ActionDefinition];
  assert.throws(() => new ActionRegistry([first, { ...first }]), {
    code: 'Server.InvalidAction',
    message: /defined twice/,
  });
  const unknown = { ...first, product: 'Ecs' } as unknown as ActionDefinition;
  assert.throws(() => new ActionRegistry([unknown]), {
    code: 'Server.InvalidAction',
    message: /unknown product Ecs/,
  });
});
