/** Percent-encoding, parameter parsing and the canonical query string. */
import assert from 'node:assert/strict';
import { stringify } from 'node:querystring';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalQueryString } from '../../src/auth/canonical-query.js';
import { percentDecode, percentEncode } from '../../src/auth/percent-encode.js';
import { isFormUrlEncoded, mergeParams, paramsByName, parseParams } from '../../src/auth/request-params.js';

describe('percentEncode', () => {
  it('keeps exactly the unreserved characters A-Z a-z 0-9 - _ . ~', () => {
    const unreserved = 'ABCXYZabcxyz0189-_.~';
    assert.equal(percentEncode(unreserved), unreserved);
    for (let code = 0; code < 128; code++) {
      const c = String.fromCharCode(code);
      if (unreserved.includes(c) || /[A-Za-z0-9]/.test(c)) continue;
      assert.equal(
        percentEncode(c),
        `%${code.toString(16).toUpperCase().padStart(2, '0')}`,
        JSON.stringify(c),
      );
    }
  });

  it('writes the documented cases', () => {
    assert.equal(percentEncode(' '), '%20');
    assert.equal(percentEncode('*'), '%2A');
    assert.equal(percentEncode('~'), '~');
    assert.equal(percentEncode('/'), '%2F');
    assert.equal(percentEncode("!'()"), '%21%27%28%29');
    assert.equal(percentEncode('+'), '%2B');
    assert.equal(percentEncode('2023-03-13T08:34:30Z'), '2023-03-13T08%3A34%3A30Z');
  });

  it('encodes UTF-8 bytes with upper-case hex, astral characters included', () => {
    assert.equal(percentEncode('é'), '%C3%A9');
    assert.equal(percentEncode('你好'), '%E4%BD%A0%E5%A5%BD');
    assert.equal(percentEncode('😀'), '%F0%9F%98%80');
  });

  it('round-trips through percentDecode for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.equal(percentDecode(percentEncode(text)), text);
      }),
    );
  });
});

describe('percentDecode', () => {
  it('reads + as a space and accepts lower-case hex', () => {
    assert.equal(percentDecode('a+b%20c%2b%c3%a9'), 'a b c+é');
  });

  it('returns undefined for bad escapes and for bytes that are not UTF-8', () => {
    for (const bad of ['%', '%2', '%zz', '%E4', '%C0%AF', '%ED%A0%80', '%FF']) {
      assert.equal(percentDecode(bad), undefined, bad);
    }
  });

  it('reads what querystring.stringify (the SDK wire form) writes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.equal(percentDecode(stringify({ v: text }).slice(2)), text);
      }),
    );
  });
});

describe('parseParams', () => {
  const parsed = (raw: string) => {
    const result = parseParams(raw);
    if (!result.ok) assert.fail(`expected ${raw} to parse: ${result.error.code}`);
    return result.value;
  };

  it('splits, decodes, keeps order and duplicates (merging judges those)', () => {
    assert.deepEqual(parsed('b=2&a=%20&a=1&c'), [
      ['b', '2'],
      ['a', ' '],
      ['a', '1'],
      ['c', ''],
    ]);
  });

  it('splits on the first = only and skips empty segments', () => {
    assert.deepEqual(parsed('&a=b=c&&'), [['a', 'b=c']]);
    assert.deepEqual(parsed(''), []);
  });

  it('reads any query as splitting on & and on the first = does', () => {
    // The reference: split on '&', skip empty segments, split each on its first '=', decode both
    // halves ('+' is a space), refuse an empty name, a bad escape or anything but visible ASCII.
    const reference = (raw: string) => {
      if (!/^[\x21-\x7e]*$/.test(raw)) return undefined;
      const out: [string, string][] = [];
      for (const segment of raw.split('&')) {
        if (segment === '') continue;
        const eq = segment.indexOf('=');
        const decode = (text: string) => {
          try {
            return decodeURIComponent(text.replaceAll('+', ' '));
          } catch {
            return undefined;
          }
        };
        const name = decode(eq < 0 ? segment : segment.slice(0, eq));
        const value = decode(eq < 0 ? '' : segment.slice(eq + 1));
        if (name === undefined || name === '' || value === undefined) return undefined;
        out.push([name, value]);
      }
      return out;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[a-c=&%+0-9A-F \u00e9]{0,24}$/), (raw) => {
        const result = parseParams(raw);
        assert.deepEqual(result.ok ? result.value : undefined, reference(raw), JSON.stringify(raw));
      }),
      { numRuns: 20000 },
    );
  });

  it('refuses empty names, bad escapes and anything but visible ASCII', () => {
    for (const raw of ['=1', 'a=%E4', 'a=%', 'a=b c', 'a=é', 'a=\t', 'a=1\n']) {
      const result = parseParams(raw);
      assert.equal(result.ok, false, raw);
      if (!result.ok) assert.equal(result.error.code, 'InvalidParameter.Malformed');
    }
  });
});

describe('mergeParams', () => {
  it('merges lists and refuses a name given twice, in one list or across two', () => {
    const merged = mergeParams([['a', '1']], [['b', '2']]);
    assert.ok(merged.ok);
    assert.deepEqual(
      [...merged.value],
      [
        ['a', '1'],
        ['b', '2'],
      ],
    );
    for (const lists of [
      [[['a', '1'] as const, ['a', '1'] as const]],
      [[['a', '1'] as const], [['a', '2'] as const]],
    ]) {
      const result = mergeParams(...lists);
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.code, 'InvalidParameter.Duplicate');
    }
  });
});

describe('paramsByName', () => {
  it('reads any query as parseParams and mergeParams do together', () => {
    const segment = fc.oneof(
      fc.constantFrom('a=1', 'a=2', 'b', 'b=', '=x', '', 'A%20B=c', 'x=%zz', 'x=%E2%82%AC', 'n+m=1+2', 'c=%'),
      fc.stringMatching(/^[a-c%+=0-9A-F]{0,6}$/),
    );
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 8 }),
        fc.constantFrom('', ' ', '\u00e9'),
        (segments, odd) => {
          const raw = segments.join('&') + (odd === '' ? '' : `&${odd}`);
          const parsed = parseParams(raw);
          const merged = parsed.ok ? mergeParams(parsed.value) : undefined;
          const expected = merged?.ok ? [...merged.value] : undefined;
          const got = paramsByName(raw);
          assert.deepEqual(got === undefined ? undefined : [...got], expected, JSON.stringify(raw));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('isFormUrlEncoded', () => {
  it('recognises the media type whatever its case and parameters', () => {
    assert.ok(isFormUrlEncoded('application/x-www-form-urlencoded'));
    assert.ok(isFormUrlEncoded('Application/X-WWW-Form-UrlEncoded; charset=UTF-8'));
    assert.ok(!isFormUrlEncoded('application/json'));
    assert.ok(!isFormUrlEncoded('application/x-www-form-urlencoded-not'));
    assert.ok(!isFormUrlEncoded(undefined));
  });
});

describe('canonicalQueryString', () => {
  it('sorts by decoded name in code-unit order and encodes names and values strictly', () => {
    assert.equal(
      canonicalQueryString([
        ['b', "it's"],
        ['a.b', '(x)'],
        ['A', '*'],
        ['a', ''],
      ]),
      'A=%2A&a=&a.b=%28x%29&b=it%27s',
    );
  });

  it('is empty without parameters', () => {
    assert.equal(canonicalQueryString([]), '');
  });

  it('does not depend on the order parameters arrive in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary' })), {
          selector: ([name]) => name,
        }),
        (params) => {
          assert.equal(canonicalQueryString(params), canonicalQueryString([...params].reverse()));
        },
      ),
    );
  });
});
