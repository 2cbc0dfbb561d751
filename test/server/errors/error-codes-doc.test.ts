import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { catalogueEntries } from '../../../src/server/errors/error-catalogue.js';

// docs/server.md lists the error codes from the catalogue; this keeps the two from drifting. On a
// failure, the expected rows below are the table to paste into the section.
test('docs/server.md lists exactly the catalogue’s error codes', () => {
  const doc = readFileSync(new URL('../../../docs/server.md', import.meta.url), 'utf8');
  const section = doc.split('\n## Error codes\n')[1]?.split('\n## ')[0];
  assert.ok(section !== undefined, 'docs/server.md has no "## Error codes" section');
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  const expected = catalogueEntries().map(
    ({ code, httpStatus, meaning }) => `| \`${code}\` | ${httpStatus} | ${meaning} |`,
  );
  assert.deepEqual(rows, expected);
});
