import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance } from '../../../src/manifest/did-you-mean.js';

describe('did-you-mean', () => {
  const distances: Array<[string, string, number]> = [
    ['name', 'name', 0],
    ['nmae', 'name', 1],
    ['ttll', 'ttl', 1],
    ['KeyType', 'keyType', 0],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, d] of distances) {
    test(`when comparing "${a}" with "${b}" then the distance is ${d}`, () => {
      assert.equal(editDistance(a, b), d);
    });
  }

  test('when a word is one typo away then the nearest candidate is suggested', () => {
    assert.equal(closest('namespce', ['name', 'namespace', 'dns']), 'namespace');
    assert.equal(closest('renewbefore', ['renewBefore', 'ttl']), 'renewBefore');
  });

  test('when nothing is close then nothing is suggested', () => {
    assert.equal(closest('colour', ['name', 'dns', 'ip']), undefined);
    assert.equal(closest('ab', ['ip', 'dns']), undefined);
  });
});
