import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { AccessKeyPolicy } from '../../src/policy/policy-document.js';
import { serializePolicy } from '../../src/policy/serialize-policy.js';
import { canonicalPolicy, respelledDocument } from './policy-arbitraries.js';

describe('serializePolicy', () => {
  it('writes keys in the fixed order, Value only on a VPCWhiteList, without whitespace', () => {
    const policy: AccessKeyPolicy = {
      Version: 1,
      Status: 'Active',
      Statements: [
        { Type: 'VPCWhiteList', Value: 'vpc-abc', IPList: ['10.0.0.0/8', '::/0'] },
        { Type: 'ClassicWhiteList', IPList: ['203.0.113.1'] },
      ],
    };
    assert.equal(
      serializePolicy(policy),
      '{"Version":1,"Status":"Active","Statements":[' +
        '{"Type":"VPCWhiteList","Value":"vpc-abc","IPList":["10.0.0.0/8","::/0"]},' +
        '{"Type":"ClassicWhiteList","IPList":["203.0.113.1"]}]}',
    );
  });

  it('writes the cleared policy as Terraform sends it', () => {
    assert.equal(
      serializePolicy({ Version: 1, Status: 'Inactive', Statements: [] }),
      '{"Version":1,"Status":"Inactive","Statements":[]}',
    );
  });

  it('ignores properties a caller added at run time and the order they were added in', () => {
    const messy = {
      Statements: [{ IPList: ['1.2.3.4'], Value: 'vpc-stray', Type: 'ClassicWhiteList', Note: 'x' }],
      Status: 'Inactive',
      Version: 1,
      Owner: 'alice',
    } as unknown as AccessKeyPolicy;
    assert.equal(
      serializePolicy(messy),
      '{"Version":1,"Status":"Inactive","Statements":[{"Type":"ClassicWhiteList","IPList":["1.2.3.4"]}]}',
    );
  });

  it('round-trips: parsing what it wrote gives back the same policy and text', () => {
    fc.assert(
      fc.property(canonicalPolicy, (policy) => {
        const text = serializePolicy(policy);
        const result = parsePolicy(text);
        if (!result.ok) assert.fail(JSON.stringify(result.errors));
        assert.deepEqual(result.policy, policy);
        assert.equal(result.canonical, text);
        assert.deepEqual(result.warnings, []);
      }),
      { numRuns: 300 },
    );
  });

  it('is a fixed point: any spelling of a policy serialises to the one canonical text', () => {
    fc.assert(
      fc.property(
        canonicalPolicy.chain((policy) => fc.tuple(fc.constant(policy), respelledDocument(policy))),
        ([policy, text]) => {
          const result = parsePolicy(text);
          if (!result.ok) assert.fail(`${text}\n${JSON.stringify(result.errors)}`);
          assert.equal(result.canonical, serializePolicy(policy));
          assert.equal(serializePolicy(result.policy), result.canonical);
        },
      ),
      { numRuns: 300 },
    );
  });
});
