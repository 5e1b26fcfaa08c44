import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, formatDuration } from '../../../src/time/duration.js';

const H = 3_600_000;
const CASES: Array<[string, number | undefined]> = [
  ['90d', 90 * 24 * H], ['8760h', 8760 * H], ['1y', 365 * 24 * H], ['1h30m', 1.5 * H],
  ['2w', 14 * 24 * H], ['45s', 45_000], ['500ms', 500], ['1s500ms', 1500], ['', undefined], ['10', undefined], ['1x', undefined],
  ['-1d', undefined], ['0d', undefined], ['1d 2h', undefined], ['d', undefined],
];
for (const [text, expected] of CASES) {
  test(`when parsing ${JSON.stringify(text)} then the result is ${expected}`, () => {
    assert.equal(parseDuration(text), expected);
  });
}

test('when formatting whole units then the largest unit is used', () => {
  assert.equal(formatDuration(90 * 24 * H), '90d');
  assert.equal(formatDuration(36 * H), '36h');
  assert.equal(formatDuration(365 * 24 * H), '1y');
});
