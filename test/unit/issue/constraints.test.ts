import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsPermitted, uriPermitted } from '../../../src/issue/constraints.js';

describe('name constraints', () => {
  const dns: Array<[string, string, boolean]> = [
    ['a.svc.cluster.local', '.svc.cluster.local', true],
    ['svc.cluster.local', '.svc.cluster.local', false],
    ['A.SVC.Cluster.Local', '.svc.cluster.local', true],
    ['cluster.local', 'cluster.local', true],
    ['x.cluster.local', 'cluster.local', true],
    ['xcluster.local', 'cluster.local', false],
    ['frontend', '.svc.cluster.local', false],
  ];
  for (const [name, base, ok] of dns) {
    test(`when DNS ${name} meets constraint ${base} then it is ${ok ? 'permitted' : 'refused'}`, () => {
      assert.equal(dnsPermitted(name, base), ok);
    });
  }
  const uri: Array<[string, string, boolean]> = [
    ['spiffe://cluster.local/ns/a/sa/b', 'cluster.local', true],
    ['spiffe://other.local/ns/a/sa/b', 'cluster.local', false],
    ['spiffe://a.cluster.local/x', '.cluster.local', true],
    ['spiffe://cluster.local/x', '.cluster.local', false],
    ['urn:no-host', 'cluster.local', false],
  ];
  for (const [name, base, ok] of uri) {
    test(`when URI ${name} meets constraint ${base} then it is ${ok ? 'permitted' : 'refused'}`, () => {
      assert.equal(uriPermitted(name, base), ok);
    });
  }
});
