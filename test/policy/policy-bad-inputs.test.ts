/**
 * Every input that broke another IP library (and the extra vectors), placed in an IPList: refused
 * with the right code, or accepted and stored as exactly the expected canonical text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintPolicy } from '../../src/policy/lint-policy.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';
import { PolicyCode } from '../../src/policy/policy-problem.js';
import { splitEntries } from '../../src/policy/split-entries.js';

type Vector =
  | { readonly input: string; readonly code: string }
  | { readonly input: string; readonly canonical: string; readonly hostBits?: true };

const reject = (input: string, code: string): Vector => ({ input, code });
const accept = (input: string, canonical: string): Vector => ({ input, canonical });
const hostBits = (input: string, canonical: string): Vector => ({ input, canonical, hostBits: true });

const LEADING_ZERO = 'Address.IPv4.LeadingZero';
const PART_COUNT = 'Address.IPv4.PartCount';
const OCTET_RANGE = 'Address.IPv4.OctetRange';
const INVALID_CHARACTER = 'Address.InvalidCharacter';
const WHITESPACE = 'Address.Whitespace';
const ZONE_ID = 'Address.IPv6.ZoneId';
const GROUP_TOO_LONG = 'Address.IPv6.GroupTooLong';
const PREFIX_NOT_DECIMAL = 'Prefix.NotDecimal';
const PREFIX_OUT_OF_RANGE = 'Prefix.OutOfRange';

const TABLE: readonly (readonly [source: string, vectors: readonly Vector[]])[] = [
  ['ip CVE-2023-42282', [reject('0x7F.1', INVALID_CHARACTER)]],
  [
    'ip CVE-2024-29415',
    [
      reject('127.1', PART_COUNT),
      reject('127.0.1', PART_COUNT),
      reject('127.00.0x1', LEADING_ZERO),
      reject('127.0.0x0.1', INVALID_CHARACTER),
      reject('01200034567', LEADING_ZERO),
      reject('012.1.2.3', LEADING_ZERO),
      accept('fe80::0001', 'fe80::1'),
      accept('000:0:0000::01', '::1'),
      accept('000:0:0000:0:000:0:00:001', '::1'),
      accept('::fFFf:127.0.0.1', '127.0.0.1'),
    ],
  ],
  ['ip 32-bit octal integer', [reject('017700000001', LEADING_ZERO)]],
  ['netmask CVE-2021-28918', [reject('0127.0.0.1', LEADING_ZERO), reject('012.0.0.1', LEADING_ZERO)]],
  [
    'netmask CVE-2021-29418',
    [
      reject('09.0.0.1', LEADING_ZERO),
      reject('0189.0.0.1', LEADING_ZERO),
      reject('0x7f.0.0.1', INVALID_CHARACTER),
    ],
  ],
  ['ip-cidr octal contains()', [reject('010.1.1.1', LEADING_ZERO)]],
  [
    'private-ip CVE-2020-28360',
    [
      reject('0x7f.1', INVALID_CHARACTER),
      reject('0177.0.0.1', LEADING_ZERO),
      reject('127.1', PART_COUNT),
      accept('0.0.0.0', '0.0.0.0'),
    ],
  ],
  [
    'private-ip CVE-2025-8020',
    [accept('224.0.0.1', '224.0.0.1'), accept('239.255.255.250', '239.255.255.250')],
  ],
  ['ssrfcheck CVE-2025-8267', [accept('224.0.0.1', '224.0.0.1')]],
  [
    'ssrfcheck CVE-2026-43929',
    [
      reject('http://[::ffff:127.0.0.1]/', INVALID_CHARACTER),
      accept('::ffff:7f00:1', '127.0.0.1'),
      reject('[::ffff:a9fe:a9fe]', INVALID_CHARACTER),
      accept('::ffff:a9fe:a9fe', '169.254.169.254'),
    ],
  ],
  [
    'hono CVE-2026-39409',
    [
      accept('::ffff:127.0.0.1', '127.0.0.1'),
      accept('127.0.0.1', '127.0.0.1'),
      accept('127.0.0.0/8', '127.0.0.0/8'),
    ],
  ],
  [
    'axios CVE-2026-44492',
    [
      reject('http://[::ffff:7f00:1]/', INVALID_CHARACTER),
      reject('http://[::ffff:127.0.0.1]/', INVALID_CHARACTER),
    ],
  ],
  [
    'ipaddr.js inet_aton forms',
    [
      reject('1231233', OCTET_RANGE),
      reject('5', PART_COUNT),
      reject('0000.0000.00000.00', LEADING_ZERO),
      reject('1.1.1.00200', LEADING_ZERO),
      reject('10.168.0001.100', LEADING_ZERO),
      reject('02001:0000:1234:0000:0000:C1C0:ABCD:0876', GROUP_TOO_LONG),
    ],
  ],
  ['ipaddr.js unbounded prefix', [reject('1.1.1.1/50000000', PREFIX_OUT_OF_RANGE)]],
  ['ipaddr.js strict-validator regression', [accept('127.0.0.1', '127.0.0.1')]],
  ['range_check integer/octal', [reject('0123456789', LEADING_ZERO), reject('123456789', OCTET_RANGE)]],
  ['Flowise mapped CIDR < /96', [reject('::ffff:10.0.0.0/64', 'Prefix.MappedTooShort')]],
  // The whole mapped block is exactly all of IPv4 (as ::ffff:10.0.0.0/104 is 10.0.0.0/8).
  ['stripe/smokescreen mapped range', [accept('::ffff:0:0/96', '0.0.0.0/0')]],
  ['NVIDIA OpenShell range spanning blocked space', [accept('::ffff:168.0.0.0/103', '168.0.0.0/7')]],
  [
    'matrix-os startsWith("::ffff:")',
    [
      accept('0::ffff:7f00:1', '127.0.0.1'),
      accept('0:0::ffff:7f00:1', '127.0.0.1'),
      accept('::0:ffff:7f00:1', '127.0.0.1'),
    ],
  ],
  ['synara expanded form', [accept('0:0:0:0:0:ffff:8.8.8.8', '8.8.8.8')]],
  [
    'transition forms stay IPv6 (MemWal, cowrie)',
    [
      accept('::7f00:1', '::7f00:1'),
      accept('::ffff:0:7f00:1', '::ffff:0:7f00:1'),
      accept('64:ff9b::127.0.0.1', '64:ff9b::7f00:1'),
      accept('64:ff9b:1::/48', '64:ff9b:1::/48'),
      accept('2002:7f00:1::', '2002:7f00:1::'),
    ],
  ],
  [
    'APISIX unbracketed IPv6 with port',
    [reject('2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56:51108', GROUP_TOO_LONG)],
  ],
  ['zoraxy bracketed address with port', [reject('[2a01:4f8::1]:54321', INVALID_CHARACTER)]],
  // The table recalls Go CVE-2021-29923 / Python CVE-2021-29921 / Net::Netmask without inputs;
  // these are the forms those advisories are about.
  [
    'leading zeros in other languages (illustrative)',
    [
      reject('192.168.01.1', LEADING_ZERO),
      reject('010.0.0.0/8', LEADING_ZERO),
      reject('00.0.0.0', LEADING_ZERO),
    ],
  ],
  ['extra: zone IDs', [reject('fe80::1%eth0', ZONE_ID), reject('fe80::1%25eth0', ZONE_ID)]],
  [
    'extra: whitespace',
    [
      reject(' 1.2.3.4', WHITESPACE),
      reject('1.2.3.4 ', WHITESPACE),
      reject('1.2.\t3.4', WHITESPACE),
      reject('1.2.3.4\n', WHITESPACE),
      reject('1.2.3\n.4', WHITESPACE),
      reject('\t::1', WHITESPACE),
      reject('::1 ', WHITESPACE),
      reject('2001:db8:: 1', WHITESPACE),
    ],
  ],
  [
    'extra: prefix forms',
    [
      reject('1.2.3.4/033', PREFIX_NOT_DECIMAL),
      reject('1.2.3.4/+24', PREFIX_NOT_DECIMAL),
      reject('1.2.3.4/24 ', WHITESPACE),
      reject('/-1', 'Address.Empty'),
      reject('1.2.3.4/-1', PREFIX_NOT_DECIMAL),
      reject('/33', 'Address.Empty'),
      reject('1.2.3.4/33', PREFIX_OUT_OF_RANGE),
      reject('::/129', PREFIX_OUT_OF_RANGE),
      reject('1.2.3.4/', PREFIX_NOT_DECIMAL),
    ],
  ],
  ['extra: host bits set', [hostBits('1.2.3.4/24', '1.2.3.0/24'), hostBits('192.0.2.1/24', '192.0.2.0/24')]],
  [
    'extra: separators inside one entry',
    [
      reject('1.2.3.4,,5.6.7.8', INVALID_CHARACTER),
      reject(';;', INVALID_CHARACTER),
      reject('', 'Address.Empty'),
    ],
  ],
  ['extra: full-width digits', [reject('１２７.０.０.１', INVALID_CHARACTER)]],
  ['extra: trailing dot', [reject('127.0.0.1.', PART_COUNT)]],
  [
    'extra: unspecified vs everything',
    [
      accept('0.0.0.0', '0.0.0.0'),
      accept('0.0.0.0/0', '0.0.0.0/0'),
      accept('::', '::'),
      accept('::/0', '::/0'),
    ],
  ],
  ['extra: upper-case hex', [accept('::FFFF:7F00:1', '127.0.0.1')]],
  ['extra: the IPv6 unspecified address', [accept('::', '::')]],
];

const policyWith = (entry: string) =>
  JSON.stringify({ Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPList: [entry] }] });

describe('bad-input corpus in an IPList', () => {
  for (const [source, vectors] of TABLE) {
    describe(source, () => {
      for (const vector of vectors) {
        const label = JSON.stringify(vector.input);
        if ('code' in vector) {
          it(`refuses ${label} with ${vector.code}`, () => {
            const result = parsePolicy(policyWith(vector.input));
            if (result.ok) assert.fail(`accepted as ${result.policy.Statements[0]!.IPList[0]}`);
            assert.deepEqual(
              result.errors.map((e) => [e.code, e.statement, e.field, e.entry]),
              [[vector.code, 0, 'IPList[0]', vector.input]],
            );
          });
        } else {
          it(`stores ${label} as ${vector.canonical}${vector.hostBits ? ' with a host-bits warning' : ''}`, () => {
            const result = parsePolicy(policyWith(vector.input));
            if (!result.ok) assert.fail(JSON.stringify(result.errors));
            assert.deepEqual(result.policy.Statements[0]!.IPList, [vector.canonical]);
            assert.deepEqual(
              result.warnings.map((w) => [w.code, w.entry]),
              vector.hostBits ? [[PolicyCode.HostBitsSet, vector.input]] : [],
            );
          });
        }
      }
    });
  }
});

describe('bad-input corpus: what lint adds to the accepted ones', () => {
  const lintCodes = (entry: string) => {
    const result = parsePolicy(policyWith(entry));
    if (!result.ok) assert.fail(JSON.stringify(result.errors));
    return lintPolicy(result.policy).map((w) => w.code);
  };

  it('asks whether 0.0.0.0 and :: meant everything', () => {
    assert.deepEqual(lintCodes('0.0.0.0'), [PolicyCode.UnspecifiedAddress]);
    assert.deepEqual(lintCodes('::'), [PolicyCode.UnspecifiedAddress]);
    assert.deepEqual(lintCodes('0.0.0.0/0'), []);
    assert.deepEqual(lintCodes('::/0'), []);
  });

  it('flags multicast, loopback and link-local in the public list, however written', () => {
    for (const entry of [
      '224.0.0.1',
      '239.255.255.250',
      '::fFFf:127.0.0.1',
      '::ffff:a9fe:a9fe',
      'fe80::0001',
    ]) {
      assert.deepEqual(lintCodes(entry), [PolicyCode.PrivateRangeInPublicList], entry);
    }
  });

  it('flags a mapped range that spans link-local space and is very wide', () => {
    assert.deepEqual(lintCodes('::ffff:168.0.0.0/103'), [
      PolicyCode.PrivateRangeInPublicList,
      PolicyCode.WideMask,
    ]);
  });

  it('flags duplicate and overlapping entries', () => {
    const text = JSON.stringify({
      Status: 'Active',
      Statements: [
        { Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '::ffff:203.0.113.0/120', '203.0.113.5'] },
      ],
    });
    const result = parsePolicy(text);
    if (!result.ok) assert.fail(JSON.stringify(result.errors));
    assert.deepEqual(
      lintPolicy(result.policy).map((w) => [w.code, w.field]),
      [
        [PolicyCode.DuplicateEntry, 'IPList[1]'],
        [PolicyCode.CoveredEntry, 'IPList[2]'],
      ],
    );
  });
});

describe('bad-input corpus: empty entries and huge inputs', () => {
  it('drops empty entries between console separators', () => {
    assert.deepEqual(splitEntries('1.2.3.4,,5.6.7.8'), ['1.2.3.4', '5.6.7.8']);
    assert.deepEqual(splitEntries(';;'), []);
  });

  it('refuses a 1 MB IPList with LimitExceeded.PolicySize before parsing it', () => {
    const list = Array.from({ length: 80_000 }, (_, k) => `10.${k >> 16}.${(k >> 8) & 255}.${k & 255}`);
    const text = JSON.stringify({
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: list }],
    });
    assert.ok(text.length > 1_000_000, `only ${text.length} characters`);
    const started = performance.now();
    const result = parsePolicy(text);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 50, `took ${elapsed} ms`);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors.map((e) => e.code), [PolicyCode.TooLarge]);
  });

  it('refuses a 1 MB single entry by its length when the document limit allows it', () => {
    const limits = { ...DEFAULT_POLICY_LIMITS, maxDocumentBytes: 2 * 1024 * 1024 };
    const entry = `1${'1'.repeat(1024 * 1024)}`;
    const result = parsePolicy(policyWith(entry), limits);
    if (result.ok) assert.fail('accepted');
    assert.deepEqual(
      result.errors.map((e) => [e.code, e.entry?.length]),
      [['Address.TooLong', 65]],
    );
  });

  it('stays linear on ReDoS-shaped entries', () => {
    const limits = {
      ...DEFAULT_POLICY_LIMITS,
      maxEntriesPerStatement: 10_000,
      maxDocumentBytes: 4 * 1024 * 1024,
    };
    const shapes = [
      '1.'.repeat(24),
      ':'.repeat(48),
      '0'.repeat(48),
      'f:'.repeat(24),
      '1.1.1.1/'.padEnd(49, '9'),
    ];
    const list = Array.from({ length: 10_000 }, (_, k) => shapes[k % shapes.length]!);
    const text = JSON.stringify({
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: list }],
    });
    const started = performance.now();
    const result = parsePolicy(text, limits);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1_000, `took ${elapsed} ms`);
    assert.equal(!result.ok && result.errors.length, 10_000);
  });
});
