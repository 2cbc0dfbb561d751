import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type PolicyParseResult, parsePolicy } from '../../src/policy/parse-policy.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../../src/policy/policy-limits.js';
import { PolicyCode, type PolicyProblem } from '../../src/policy/policy-problem.js';
import { canonicalPolicy, mutation } from './policy-arbitraries.js';

function errorsOf(result: PolicyParseResult): PolicyProblem[] {
  assert.equal(result.ok, false, 'expected the policy to be refused');
  return result.ok ? [] : result.errors;
}

function codesOf(result: PolicyParseResult): string[] {
  return errorsOf(result).map((e) => e.code);
}

function accepted(result: PolicyParseResult) {
  if (!result.ok) assert.fail(`expected the policy to be accepted: ${JSON.stringify(result.errors)}`);
  return result;
}

const classic = (IPList: unknown, extra: Record<string, unknown> = {}) => ({
  Type: 'ClassicWhiteList',
  IPList,
  ...extra,
});
const vpc = (Value: unknown, IPList: unknown = ['10.0.0.0/8']) => ({ Type: 'VPCWhiteList', Value, IPList });
const doc = (fields: Record<string, unknown>) => JSON.stringify(fields);
const withStatements = (...Statements: unknown[]) => doc({ Version: 1, Status: 'Active', Statements });

describe('parsePolicy: the documented examples', () => {
  it('accepts the SetAccessKeyPolicy example and keeps it as written', () => {
    const text = `{"Version":1,"Status":"Active","Statements":[
      {"Type":"ClassicWhiteList","IPList":["203.0.113.1","2001:db8:85a3::8a2e:370:7334","198.51.100.0/24"]},
      {"Type":"VPCWhiteList","Value":"vpc-bp1234567890abcdef","IPList":["172.16.0.0/16"]}]}`;
    const result = accepted(parsePolicy(text));
    assert.deepEqual(result.policy, {
      Version: 1,
      Status: 'Active',
      Statements: [
        {
          Type: 'ClassicWhiteList',
          IPList: ['203.0.113.1', '2001:db8:85a3::8a2e:370:7334', '198.51.100.0/24'],
        },
        { Type: 'VPCWhiteList', Value: 'vpc-bp1234567890abcdef', IPList: ['172.16.0.0/16'] },
      ],
    });
    assert.deepEqual(result.warnings, []);
  });

  it('accepts the API example value (no Version, Value before Type) and canonicalises it', () => {
    const text =
      '{"Status":"Inactive","Statements":[{"Value":"AllowAllVPC","Type":"VPCWhiteList","IPList":["::/0","0.0.0.0/0"]}]}';
    const result = accepted(parsePolicy(text));
    assert.equal(
      result.canonical,
      '{"Version":1,"Status":"Inactive","Statements":[{"Type":"VPCWhiteList","Value":"AllowAllVPC","IPList":["::/0","0.0.0.0/0"]}]}',
    );
    assert.equal(result.policy.Version, 1);
  });

  it('accepts the Terraform "cleared" policy', () => {
    const result = accepted(parsePolicy('{"Version":1,"Status":"Inactive","Statements":[]}'));
    assert.deepEqual(result.policy.Statements, []);
  });
});

describe('parsePolicy: document shape', () => {
  it('refuses "{}" with InvalidPolicy.Empty only, whatever the whitespace', () => {
    for (const text of ['{}', ' { \n } ']) assert.deepEqual(codesOf(parsePolicy(text)), [PolicyCode.Empty]);
  });

  it('refuses JSON that is not an object', () => {
    for (const text of ['[]', 'null', '"{}"', '1', 'true', '[{"Status":"Active","Statements":[]}]']) {
      assert.deepEqual(codesOf(parsePolicy(text)), [PolicyCode.NotObject], text);
    }
  });

  it('refuses text that is not JSON, saying why', () => {
    for (const text of [
      '',
      '{',
      "{'Status':'Active'}",
      '{"Status":"Active",}',
      'Status=Active',
      '\uFEFF{}',
    ]) {
      const errors = errorsOf(parsePolicy(text));
      assert.deepEqual(
        errors.map((e) => e.code),
        [PolicyCode.Json],
        text,
      );
      assert.match(errors[0]!.message, /not valid JSON: ./);
    }
  });

  it('reports every problem at once, in document order', () => {
    const text = doc({
      Version: 2,
      Status: 'active',
      Extra: true,
      Statements: [classic(['010.1.1.1']), vpc('VPC-1'), 'x'],
    });
    assert.deepEqual(codesOf(parsePolicy(text)), [
      PolicyCode.UnknownField,
      PolicyCode.Version,
      PolicyCode.Status,
      'Address.IPv4.LeadingZero',
      PolicyCode.StatementValue,
      PolicyCode.StatementNotObject,
    ]);
  });

  it('refuses unknown fields at the top level and in statements, hinting at a case slip', () => {
    const errors = errorsOf(
      parsePolicy(
        doc({ Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPlist: ['1.2.3.4'] }], Foo: 1 }),
      ),
    );
    assert.deepEqual(
      errors.map((e) => [e.code, e.field, e.statement]),
      [
        [PolicyCode.UnknownField, 'Foo', undefined],
        [PolicyCode.UnknownField, 'IPlist', 0],
        [PolicyCode.StatementIPList, 'IPList', 0],
      ],
    );
    assert.match(errors[1]!.message, /did you mean "IPList"\?/);
  });

  it('treats "__proto__" as an unknown field and does not touch any prototype', () => {
    const result = parsePolicy('{"Status":"Active","Statements":[],"__proto__":{"polluted":true}}');
    assert.deepEqual(codesOf(result), [PolicyCode.UnknownField]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parsePolicy: duplicate keys', () => {
  it('refuses a repeated top-level key that JSON.parse would silently resolve', () => {
    const errors = errorsOf(parsePolicy('{"Status":"Inactive","Statements":[],"Status":"Active"}'));
    assert.deepEqual(
      errors.map((e) => [e.code, e.field]),
      [[PolicyCode.DuplicateKey, 'Status']],
    );
  });

  it('compares keys decoded, so an escaped spelling is still a duplicate', () => {
    const result = parsePolicy('{"Status":"Active","Statements":[],"\\u0053tatus":"Inactive"}');
    assert.deepEqual(codesOf(result), [PolicyCode.DuplicateKey]);
  });

  it('names the JSON path of a duplicate inside a statement', () => {
    const text =
      '{"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["1.2.3.4"]},' +
      '{"Type":"VPCWhiteList","Value":"vpc-a","IPList":["10.0.0.0/8"],"IPList":["0.0.0.0/0"]}]}';
    const errors = errorsOf(parsePolicy(text));
    assert.deepEqual(
      errors.map((e) => [e.code, e.field]),
      [[PolicyCode.DuplicateKey, 'Statements[1].IPList']],
    );
  });

  it('does not confuse equal keys in different objects, or keys with values', () => {
    const text =
      '{"Status":"Active","Statements":[' +
      '{"Type":"VPCWhiteList","Value":"vpc-a","IPList":["10.0.0.0/8"]},' +
      '{"Type":"VPCWhiteList","Value":"vpc-b","IPList":["10.0.0.0/8"]}]}';
    accepted(parsePolicy(text));
    const tricky =
      '{"Status":"Active","Statements":[],"x\\"Status":{"Status":"\\"Status\\"","a":["Status",{}]}}';
    assert.deepEqual(codesOf(parsePolicy(tricky)), [PolicyCode.UnknownField]);
  });

  it('reports a key repeated many times once', () => {
    const result = parsePolicy('{"Status":"Active","Status":"Active","Status":"Active","Statements":[]}');
    assert.deepEqual(codesOf(result), [PolicyCode.DuplicateKey]);
  });
});

describe('parsePolicy: Version', () => {
  it('defaults to 1 when absent and accepts the number 1', () => {
    for (const text of [
      '{"Status":"Active","Statements":[]}',
      '{"Version":1,"Status":"Active","Statements":[]}',
    ]) {
      assert.equal(accepted(parsePolicy(text)).policy.Version, 1);
    }
  });

  it('refuses anything but the number 1, including the string "1"', () => {
    for (const version of ['1', 2, 0, null, true, [1], { v: 1 }, 1.5]) {
      const errors = errorsOf(parsePolicy(doc({ Version: version, Status: 'Active', Statements: [] })));
      assert.deepEqual(
        errors.map((e) => [e.code, e.field]),
        [[PolicyCode.Version, 'Version']],
        JSON.stringify(version),
      );
    }
  });
});

describe('parsePolicy: Status', () => {
  it('accepts exactly Active and Inactive', () => {
    assert.equal(accepted(parsePolicy(doc({ Status: 'Active', Statements: [] }))).policy.Status, 'Active');
    assert.equal(
      accepted(parsePolicy(doc({ Status: 'Inactive', Statements: [] }))).policy.Status,
      'Inactive',
    );
  });

  it('refuses a missing Status and any other spelling or type', () => {
    assert.deepEqual(codesOf(parsePolicy(doc({ Statements: [] }))), [PolicyCode.Status]);
    for (const status of ['active', 'ACTIVE', 'Active ', 'Enabled', '', null, true, 1]) {
      assert.deepEqual(codesOf(parsePolicy(doc({ Status: status, Statements: [] }))), [PolicyCode.Status]);
    }
  });
});

describe('parsePolicy: Statements', () => {
  it('requires an array: missing, null and objects are refused', () => {
    assert.deepEqual(codesOf(parsePolicy(doc({ Status: 'Inactive' }))), [PolicyCode.Statements]);
    for (const statements of [null, {}, 'ClassicWhiteList', 0]) {
      assert.deepEqual(codesOf(parsePolicy(doc({ Status: 'Inactive', Statements: statements }))), [
        PolicyCode.Statements,
      ]);
    }
  });

  it('keeps statements in input order', () => {
    const result = accepted(parsePolicy(withStatements(vpc('vpc-b'), classic(['1.2.3.4']), vpc('vpc-a'))));
    assert.deepEqual(
      result.policy.Statements.map((s) => (s.Type === 'VPCWhiteList' ? s.Value : s.Type)),
      ['vpc-b', 'ClassicWhiteList', 'vpc-a'],
    );
  });

  it('refuses a statement that is not an object', () => {
    for (const statement of [null, [], 'ClassicWhiteList', 7]) {
      const errors = errorsOf(parsePolicy(withStatements(statement)));
      assert.deepEqual(
        errors.map((e) => [e.code, e.statement]),
        [[PolicyCode.StatementNotObject, 0]],
      );
    }
  });

  it('requires Type to be exactly ClassicWhiteList or VPCWhiteList', () => {
    for (const type of [undefined, 'classicwhitelist', 'VpcWhiteList', 'BlackList', 1, null]) {
      const errors = errorsOf(parsePolicy(withStatements({ Type: type, IPList: ['1.2.3.4'] })));
      assert.deepEqual(
        errors.map((e) => [e.code, e.statement, e.field]),
        [[PolicyCode.StatementType, 0, 'Type']],
        String(type),
      );
    }
  });
});

describe('parsePolicy: Value', () => {
  it('accepts AllowAllVPC and VPC IDs of the documented shape', () => {
    const ids = [
      'AllowAllVPC',
      'vpc-bp1234567890abcdef',
      'vpc-0123456789abcdef0',
      'vpc-a',
      `vpc-${'a'.repeat(32)}`,
    ];
    for (const id of ids) {
      const statement = accepted(parsePolicy(withStatements(vpc(id)))).policy.Statements[0]!;
      assert.equal(statement.Type === 'VPCWhiteList' && statement.Value, id);
    }
  });

  it('refuses a VPCWhiteList without a valid Value', () => {
    const bad = [
      undefined,
      '',
      'allowallvpc',
      'ALLOWALLVPC',
      'vpc-',
      'VPC-abc',
      'vpc-ABC',
      'vpc_abc',
      'vpc-a b',
      'vpc-a-b',
      ` vpc-abc`,
      `vpc-${'a'.repeat(33)}`,
      'bp1234567890abcdef',
      null,
      5,
      ['vpc-a'],
    ];
    for (const value of bad) {
      const errors = errorsOf(parsePolicy(withStatements(vpc(value))));
      assert.deepEqual(
        errors.map((e) => [e.code, e.statement, e.field]),
        [[PolicyCode.StatementValue, 0, 'Value']],
        JSON.stringify(value),
      );
    }
    const hint = errorsOf(parsePolicy(withStatements(vpc('allowallvpc'))))[0]!;
    assert.match(hint.message, /case-sensitive/);
  });

  it('lets a ClassicWhiteList have no Value or an empty one, and drops it', () => {
    const result = accepted(parsePolicy(withStatements(classic(['1.2.3.4'], { Value: '' }))));
    assert.deepEqual(result.policy.Statements[0], { Type: 'ClassicWhiteList', IPList: ['1.2.3.4'] });
    assert.equal(result.canonical.includes('Value'), false);
  });

  it('refuses any other Value on a ClassicWhiteList', () => {
    for (const value of ['vpc-abc', 'AllowAllVPC', ' ', null, 0]) {
      const errors = errorsOf(parsePolicy(withStatements(classic(['1.2.3.4'], { Value: value }))));
      assert.deepEqual(
        errors.map((e) => [e.code, e.field]),
        [[PolicyCode.StatementValue, 'Value']],
      );
    }
  });
});

describe('parsePolicy: IPList', () => {
  it('refuses a missing, non-array or empty IPList', () => {
    for (const list of [undefined, null, '1.2.3.4', {}, []]) {
      const errors = errorsOf(parsePolicy(withStatements({ Type: 'ClassicWhiteList', IPList: list })));
      assert.deepEqual(
        errors.map((e) => [e.code, e.statement, e.field]),
        [[PolicyCode.StatementIPList, 0, 'IPList']],
        JSON.stringify(list),
      );
    }
  });

  it('refuses entries that are not strings, naming their position', () => {
    const errors = errorsOf(parsePolicy(withStatements(classic(['1.2.3.4', 16909060, null, ['1.2.3.4']]))));
    assert.deepEqual(
      errors.map((e) => [e.code, e.field, e.entry]),
      [
        [PolicyCode.StatementIPList, 'IPList[1]', '16909060'],
        [PolicyCode.StatementIPList, 'IPList[2]', 'null'],
        [PolicyCode.StatementIPList, 'IPList[3]', 'an array'],
      ],
    );
  });

  it('reports every bad entry with its statement, position and text', () => {
    const text = withStatements(
      classic(['1.2.3.4', '010.1.1.1']),
      vpc('vpc-a', ['10.0.0.0/8', 'fe80::1%eth0', '127.1']),
    );
    assert.deepEqual(
      errorsOf(parsePolicy(text)).map((e) => [e.code, e.statement, e.field, e.entry, e.severity]),
      [
        ['Address.IPv4.LeadingZero', 0, 'IPList[1]', '010.1.1.1', 'error'],
        ['Address.IPv6.ZoneId', 1, 'IPList[1]', 'fe80::1%eth0', 'error'],
        ['Address.IPv4.PartCount', 1, 'IPList[2]', '127.1', 'error'],
      ],
    );
  });

  it('stores entries canonically and warns when host bits were cleared', () => {
    const result = accepted(
      parsePolicy(withStatements(classic(['192.0.2.1/24', '::FFFF:7F00:1', 'FE80::0001']))),
    );
    assert.deepEqual(result.policy.Statements[0]!.IPList, ['192.0.2.0/24', '127.0.0.1', 'fe80::1']);
    assert.deepEqual(result.warnings, [
      {
        code: PolicyCode.HostBitsSet,
        message: 'statement 0, IPList[0]: "192.0.2.1/24" has host bits set; it is stored as 192.0.2.0/24',
        statement: 0,
        entry: '192.0.2.1/24',
        field: 'IPList[0]',
        severity: 'warning',
      },
    ]);
  });

  it('keeps host-bit warnings even when the document is refused for something else', () => {
    const result = parsePolicy(withStatements(classic(['192.0.2.1/24', '1.2.3'])));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.warnings.map((w) => w.code),
      [PolicyCode.HostBitsSet],
    );
  });

  it('refuses an over-long entry and reports it cut short', () => {
    const long = `1.2.3.4${' '.repeat(10_000)}`;
    const [error] = errorsOf(parsePolicy(withStatements(classic([long]))));
    assert.equal(error!.code, 'Address.TooLong');
    assert.equal(error!.entry, `${long.slice(0, 64)}…`);
    assert.ok(error!.message.length < 300, `message of ${error!.message.length} characters`);
  });
});

describe('parsePolicy: limits', () => {
  const entries = (n: number) => Array.from({ length: n }, (_, k) => `10.0.${k >> 8}.${k & 255}`);

  it('allows the default limits exactly: 8 statements, 1 ClassicWhiteList, 50 entries', () => {
    const statements = [
      classic(entries(50)),
      ...Array.from({ length: 7 }, (_, k) => vpc(`vpc-${k}`, entries(50))),
    ];
    assert.equal(accepted(parsePolicy(withStatements(...statements))).policy.Statements.length, 8);
  });

  it('refuses a ninth statement', () => {
    const statements = Array.from({ length: 9 }, (_, k) => vpc(`vpc-${k}`));
    const errors = errorsOf(parsePolicy(withStatements(...statements)));
    assert.deepEqual(
      errors.map((e) => [e.code, e.field]),
      [[PolicyCode.TooManyStatements, 'Statements']],
    );
  });

  it('refuses a second ClassicWhiteList, on the statement past the limit', () => {
    const errors = errorsOf(
      parsePolicy(withStatements(classic(['1.2.3.4']), vpc('vpc-a'), classic(['5.6.7.8']))),
    );
    assert.deepEqual(
      errors.map((e) => [e.code, e.statement]),
      [[PolicyCode.TooManyClassicWhiteLists, 2]],
    );
  });

  it('refuses a 51st entry in a statement, and still checks the entries', () => {
    const errors = errorsOf(parsePolicy(withStatements(vpc('vpc-a', [...entries(50), '01.2.3.4']))));
    assert.deepEqual(
      errors.map((e) => [e.code, e.statement, e.field]),
      [
        [PolicyCode.TooManyEntries, 0, 'IPList'],
        ['Address.IPv4.LeadingZero', 0, 'IPList[50]'],
      ],
    );
  });

  it('uses the limits it is given', () => {
    const limits: PolicyLimits = {
      ...DEFAULT_POLICY_LIMITS,
      maxStatements: 2,
      maxClassicStatements: 2,
      maxEntriesPerStatement: 2,
    };
    accepted(parsePolicy(withStatements(classic(['1.2.3.4', '5.6.7.8']), classic(['9.9.9.9'])), limits));
    assert.deepEqual(codesOf(parsePolicy(withStatements(classic(entries(3))), limits)), [
      PolicyCode.TooManyEntries,
    ]);
    assert.deepEqual(codesOf(parsePolicy(withStatements(vpc('vpc-a'), vpc('vpc-b'), vpc('vpc-c')), limits)), [
      PolicyCode.TooManyStatements,
    ]);
    const larger = { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 2000, maxDocumentBytes: 1 << 20 };
    assert.equal(
      accepted(parsePolicy(withStatements(classic(entries(2000))), larger)).policy.Statements[0]!.IPList
        .length,
      2000,
    );
  });
});

describe('parsePolicy: document size', () => {
  it('refuses a 1 MB IPList before parsing it, quickly', () => {
    const huge = withStatements(classic(Array.from({ length: 80_000 }, () => '203.0.113.1')));
    assert.ok(huge.length > 1_000_000, `only ${huge.length} characters`);
    const started = performance.now();
    const errors = errorsOf(parsePolicy(huge));
    const elapsed = performance.now() - started;
    assert.deepEqual(
      errors.map((e) => e.code),
      [PolicyCode.TooLarge],
    );
    assert.match(errors[0]!.message, /65536 bytes/);
    assert.ok(elapsed < 50, `took ${elapsed} ms`);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const limits = { ...DEFAULT_POLICY_LIMITS, maxDocumentBytes: 100 };
    const padding = (s: string) => `{"Status":"Active","Statements":[],"Note":"${s}"}`;
    const ascii = padding('x'.repeat(100 - padding('').length));
    assert.equal(Buffer.byteLength(ascii), 100);
    assert.deepEqual(codesOf(parsePolicy(ascii, limits)), [PolicyCode.UnknownField]);
    const euro = padding('€'.repeat(20));
    assert.ok(euro.length <= 100 && Buffer.byteLength(euro) > 100, 'fits in characters, not in bytes');
    assert.deepEqual(codesOf(parsePolicy(euro, limits)), [PolicyCode.TooLarge]);
  });
});

describe('parsePolicy: robustness (property-based)', () => {
  it('never throws on arbitrary text, and always says why it refuses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const result = parsePolicy(text);
          if (!result.ok) assert.ok(result.errors.length > 0, 'a refusal names at least one error');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses, with InvalidPolicy.Json, every mutation of a valid policy that breaks its JSON', () => {
    let broken = 0;
    fc.assert(
      fc.property(canonicalPolicy, mutation, (policy, mutate) => {
        const text = mutate(JSON.stringify(policy));
        let isJson = true;
        try {
          JSON.parse(text);
        } catch {
          isJson = false;
        }
        const result = parsePolicy(text);
        if (isJson) return;
        broken++;
        assert.equal(result.ok, false);
        assert.deepEqual(
          errorsOf(result).map((e) => e.code),
          [PolicyCode.Json],
        );
      }),
      { numRuns: 300 },
    );
    assert.ok(broken > 100, `only ${broken} mutations broke the JSON`);
  });
});
