import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import { ActionRegistry } from '../../../src/server/rpc/action-registry.js';

const expected: Record<string, [product: string, ramAction: string | null]> = {
  CreateUser: ['Ims', 'ram:CreateUser'],
  GetUser: ['Ims', 'ram:GetUser'],
  ListUsers: ['Ims', 'ram:ListUsers'],
  UpdateUser: ['Ims', 'ram:UpdateUser'],
  DeleteUser: ['Ims', 'ram:DeleteUser'],
  CreateAccessKey: ['Ims', 'ram:CreateAccessKey'],
  ListAccessKeys: ['Ims', 'ram:ListAccessKeys'],
  UpdateAccessKey: ['Ims', 'ram:UpdateAccessKey'],
  DeleteAccessKey: ['Ims', 'ram:DeleteAccessKey'],
  GetAccessKeyLastUsed: ['Ims', 'ram:GetAccessKeyLastUsed'],
  SetAccessKeyPolicy: ['Ims', 'ram:SetAccessKeyPolicy'],
  GetAccessKeyPolicy: ['Ims', 'ram:GetAccessKeyPolicy'],
  SetAccessKeyPolicyForAccount: ['Ims', 'ram:SetAccessKeyPolicyForAccount'],
  GetAccessKeyPolicyForAccount: ['Ims', 'ram:GetAccessKeyPolicyForAccount'],
  GetPolicyVersionStatus: ['Ims', 'ram:GetPolicyVersionStatus'],
  CreateRole: ['Ram', 'ram:CreateRole'],
  GetRole: ['Ram', 'ram:GetRole'],
  DeleteRole: ['Ram', 'ram:DeleteRole'],
  AttachPolicyToUser: ['Ram', 'ram:AttachPolicyToUser'],
  DetachPolicyFromUser: ['Ram', 'ram:DetachPolicyFromUser'],
  ListPoliciesForUser: ['Ram', 'ram:ListPoliciesForUser'],
  AssumeRole: ['Sts', 'sts:AssumeRole'],
  GetCallerIdentity: ['Sts', null],
};

test('ALL_ACTIONS holds each action once, with its product and RAM action', () => {
  assert.deepEqual(
    Object.fromEntries(ALL_ACTIONS.map((action) => [action.name, [action.product, action.ramAction]])),
    expected,
  );
  assert.equal(ALL_ACTIONS.length, Object.keys(expected).length);
});

test('the server core can register them all', () => {
  const registry = new ActionRegistry(ALL_ACTIONS);
  for (const action of ALL_ACTIONS) assert.equal(registry.find(action.product, action.name), action);
});
