/**
 * serverConfig, the programmatic path to a server's settings (embedders, tests): a value out of
 * range is refused with a RangeError, as the configuration file refuses it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { serverConfig } from '../../src/config/server-config.js';

test('insights.recommendMaxPrefixV4/V6 are checked as the configuration file checks them (8–32, 32–128)', () => {
  const bounds = { recommendMaxPrefixV4: [8, 32], recommendMaxPrefixV6: [32, 128] } as const;
  fc.assert(
    fc.property(
      fc.constantFrom('recommendMaxPrefixV4' as const, 'recommendMaxPrefixV6' as const),
      fc.oneof(
        fc.integer({ min: -10, max: 200 }),
        fc.constantFrom(8.5, Number.NaN, Number.POSITIVE_INFINITY),
      ),
      (name, value) => {
        const [min, max] = bounds[name];
        const insights = { simulateMaxSources: 100, recommendMaxPrefixV4: 16, recommendMaxPrefixV6: 48 };
        const build = () => serverConfig({ insights: { ...insights, [name]: value } });
        if (Number.isInteger(value) && value >= min && value <= max) {
          assert.equal(build().insights[name], value);
        } else {
          assert.throws(build, RangeError, `${name} ${value}`);
        }
      },
    ),
  );
  assert.equal(serverConfig().insights.recommendMaxPrefixV4, 16);
  assert.equal(serverConfig().insights.recommendMaxPrefixV6, 48);
});
