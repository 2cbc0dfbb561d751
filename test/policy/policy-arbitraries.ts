import fc from 'fast-check';
import { parseCidr } from '../../src/net/cidr.js';
import { formatIPv4 } from '../../src/net/ipv4.js';
import { formatIPv6 } from '../../src/net/ipv6.js';
import type { AccessKeyPolicy, PolicyStatement } from '../../src/policy/policy-document.js';

const word = fc.integer({ min: 0, max: 0xffffffff });

const ipv4Text = fc
  .tuple(word, fc.option(fc.integer({ min: 0, max: 32 })))
  .map(([value, prefix]) => formatIPv4(value) + (prefix === null ? '' : `/${prefix}`));

// Mostly random words, sometimes mostly zero so that "::" compression and the mapped block turn up.
const ipv6Words = fc.oneof(
  fc.tuple(word, word, word, word),
  fc.tuple(fc.constant(0), fc.constantFrom(0, 1), fc.constantFrom(0, 0xffff, 0xffff0000), word),
);

const ipv6Text = fc
  .tuple(ipv6Words, fc.option(fc.integer({ min: 0, max: 128 })))
  .map(([words, prefix]) => formatIPv6(words) + (prefix === null ? '' : `/${prefix}`));

/** Entries in the canonical form parsePolicy stores. */
export const canonicalEntry: fc.Arbitrary<string> = fc
  .oneof(ipv4Text, ipv6Text, fc.constantFrom('0.0.0.0/0', '::/0', '127.0.0.1', '::1'))
  .map((text) => parseCidr(text))
  .filter((r) => r.ok)
  .map((r) => (r.ok ? r.value.canonical : ''));

export const vpcId: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 32 })
  .map((suffix) => `vpc-${suffix}`);

const ipList = fc.array(canonicalEntry, { minLength: 1, maxLength: 50 });

export const classicStatement: fc.Arbitrary<PolicyStatement> = ipList.map((IPList) => ({
  Type: 'ClassicWhiteList',
  IPList,
}));

export const vpcStatement: fc.Arbitrary<PolicyStatement> = fc
  .tuple(fc.oneof(vpcId, fc.constant('AllowAllVPC')), ipList)
  .map(([Value, IPList]) => ({ Type: 'VPCWhiteList', Value, IPList }));

/** Valid, canonical policies within the default limits (≤ 8 statements, ≤ 1 ClassicWhiteList). */
export const canonicalPolicy: fc.Arbitrary<AccessKeyPolicy> = fc
  .tuple(
    fc.constantFrom('Active' as const, 'Inactive' as const),
    fc.array(vpcStatement, { maxLength: 7 }),
    fc.option(classicStatement),
    fc.nat(),
  )
  .map(([Status, vpcs, classic, at]) => {
    const Statements = [...vpcs];
    if (classic !== null) Statements.splice(at % (vpcs.length + 1), 0, classic);
    return { Version: 1, Status, Statements };
  });

function expandIPv6(canonical: string): string {
  const parsed = parseCidr(canonical);
  if (!parsed.ok || parsed.value.family !== 6) return canonical;
  const groups = parsed.value.first.flatMap((w) => [w >>> 16, w & 0xffff]);
  const text = groups.map((g) => g.toString(16).padStart(4, '0').toUpperCase()).join(':');
  const slash = canonical.indexOf('/');
  return slash < 0 ? text : text + canonical.slice(slash);
}

function mapIPv4(canonical: string): string {
  const [address, prefix] = canonical.split('/');
  return prefix === undefined ? `::FFFF:${address}` : `::ffff:${address}/${Number(prefix) + 96}`;
}

/** Another spelling of a canonical entry that parses back to it. */
const respelled = (canonical: string): fc.Arbitrary<string> =>
  canonical.includes(':')
    ? fc.constantFrom(canonical, canonical.toUpperCase(), expandIPv6(canonical))
    : fc.constantFrom(canonical, mapIPv4(canonical));

const space = fc.constantFrom('', ' ', '\n  ', '\t', '\r\n');

function shuffledObject(fields: [string, fc.Arbitrary<string>][]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.shuffledSubarray(fields, { minLength: fields.length }), space, space)
    .chain(([ordered, s1, s2]) =>
      fc
        .tuple(
          ...ordered.map(([name, value]) => value.map((v) => `${s1}${JSON.stringify(name)}${s2}:${s1}${v}`)),
        )
        .map((members) => `{${members.join(',')}${s2}}`),
    );
}

/**
 * A document that means `policy` but is written differently: keys in any order, whitespace,
 * Version left out, an empty Value on a ClassicWhiteList, entries in non-canonical spellings.
 */
export function respelledDocument(policy: AccessKeyPolicy): fc.Arbitrary<string> {
  const statements = policy.Statements.map((s) => {
    const list = fc
      .tuple(...s.IPList.map(respelled))
      .map((entries) => `[${entries.map((e) => JSON.stringify(e)).join(', ')}]`);
    const fields: [string, fc.Arbitrary<string>][] = [
      ['Type', fc.constant(JSON.stringify(s.Type))],
      ['IPList', list],
    ];
    if (s.Type === 'VPCWhiteList') fields.push(['Value', fc.constant(JSON.stringify(s.Value))]);
    return fc
      .boolean()
      .chain((emptyValue) =>
        shuffledObject(
          s.Type === 'ClassicWhiteList' && emptyValue ? [...fields, ['Value', fc.constant('""')]] : fields,
        ),
      );
  });
  const statementList = fc.tuple(...statements).map((texts) => `[${texts.join(',')}]`);
  return fc
    .boolean()
    .chain((withVersion) =>
      shuffledObject([
        ['Status', fc.constant(JSON.stringify(policy.Status))],
        ['Statements', statementList],
        ...(withVersion ? [['Version', fc.constant('1')] as [string, fc.Arbitrary<string>]] : []),
      ]),
    );
}

/** Changes to a document text that usually, but not always, break its JSON. */
export const mutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  fc.nat().map((at) => (t: string) => t.slice(0, at % t.length) + t.slice((at % t.length) + 1)),
  fc.tuple(fc.nat(), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', 'x', '0', ' ', '\u0000')).map(
    ([at, c]) =>
      (t: string) =>
        t.slice(0, at % (t.length + 1)) + c + t.slice(at % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.string({ maxLength: 1, minLength: 1 })).map(
    ([at, c]) =>
      (t: string) =>
        t.slice(0, at % t.length) + c + t.slice((at % t.length) + 1),
  ),
);
