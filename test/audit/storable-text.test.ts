import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildAuditEvent } from '../../src/audit/audit-event.js';
import { mayHoldUnstorableText, storableText, withStorableText } from '../../src/audit/storable-text.js';
import { toStoredEvent } from '../../src/audit/stored-event.js';
import { requestRecord } from './support.js';

/** What PostgreSQL refuses in text or JSON: a NUL, a surrogate that is not half of a pair. */
function unstorable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return true;
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    const next = text.charCodeAt(i + 1);
    if (high && next >= 0xdc00 && next <= 0xdfff) i++;
    else if (high || low) return true;
  }
  return false;
}

// Strings of any UTF-16 code units, NULs and lone surrogates among them.
const anyText = fc.string({ unit: 'binary' });
const risky = fc.string({
  unit: fc.constantFrom('\u0000', '\uD800', '\uDC00', '\uD83D\uDE00', 'a', '\\', 'u', '0', '"'),
});

const context = { eventId: 'E-1', principal: undefined, region: 'cn-hangzhou' };

/** Whether any string in a JSON value, names included, is unstorable. */
const holdsUnstorable = (value: unknown): boolean =>
  typeof value === 'string'
    ? unstorable(value)
    : typeof value === 'object' && value !== null
      ? Object.entries(value).some(([name, inner]) => unstorable(name) || holdsUnstorable(inner))
      : false;

describe('storable text', () => {
  test('never holds a NUL or a lone surrogate, and leaves everything else as it was', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, risky), (text) => {
        const stored = storableText(text);
        assert.equal(unstorable(stored), false);
        assert.equal(stored.length, text.length, 'one U+FFFD per unit replaced');
        if (!unstorable(text)) assert.equal(stored, text);
      }),
    );
    assert.equal(storableText('LTAI\u0000x\uD800'), 'LTAI\uFFFDx\uFFFD');
    assert.equal(storableText('ok \uD83D\uDE00'), 'ok \uD83D\uDE00');
  });

  test("JSON.stringify's output gives away every string that needs cleaning", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, risky), (text) => {
        if (unstorable(text)) assert.equal(mayHoldUnstorableText(JSON.stringify({ text })), true);
      }),
    );
  });

  test('cleans every string of a JSON value, names included', () => {
    assert.deepEqual(withStorableText({ 'a\u0000': ['\uDC00', 1, null, true, { b: 'x\u0000' }] }), {
      'a\uFFFD': ['\uFFFD', 1, null, true, { b: 'x\uFFFD' }],
    });
  });

  test('the stored event holds storable text only, in its document and its columns', () => {
    fc.assert(
      fc.property(risky, risky, risky, (action, key, agent) => {
        const record = requestRecord({
          caller: null,
          authentication: null,
          decision: null,
          action,
          version: action,
          claimedAccessKeyId: key,
          userAgent: agent,
          errorCode: 'InvalidAccessKeyId.NotFound',
          errorMessage: `Specified access key is not found: ${key}`,
          original: { method: 'GET', host: agent, path: `/${key}` },
        });
        const stored = toStoredEvent(buildAuditEvent(record, context));
        const event = JSON.parse(stored.document);
        assert.equal(holdsUnstorable(event), false);
        assert.equal(holdsUnstorable(stored), false);
        assert.equal(event.eventName, storableText(action));
        assert.equal(event.userIdentity.accessKeyId, storableText(key));
        assert.equal(event.userAgent, storableText(agent));
        assert.equal(stored.accessKeyId, storableText(key));
      }),
    );
  });

  test('an event without such text is stored exactly as built', () => {
    const built = buildAuditEvent(requestRecord({ userAgent: 'a \\u0000 that is only text' }), context);
    const stored = toStoredEvent(built);
    assert.equal(stored.document, JSON.stringify(built.event));
    assert.equal(JSON.parse(stored.document).userAgent, 'a \\u0000 that is only text');
  });
});
