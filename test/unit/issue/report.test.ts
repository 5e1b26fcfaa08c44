import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { issueJson, issueTable, issueWarnings } from '../../../src/output/issue-report.js';
import type { IssueRunResult } from '../../../src/issue/run.js';
import { servicePaths } from '../../../src/issue/files.js';
import { manifestOf, serviceSpec } from './fixtures.js';

const plain = new Chalk({ level: 0 });
const manifest = manifestOf('/w', [serviceSpec('frontend'), serviceSpec('cart')]);
const plan = manifest.services.map((spec) => ({
  spec, paths: servicePaths('/w/out', spec.name, false),
  action: spec.name === 'cart' ? ('unchanged' as const) : ('issue' as const),
  reason: spec.name === 'cart' ? 'up to date' : 'no certificate yet',
  ...(spec.name === 'cart' ? { current: { serial: 'aa', notAfter: new Date('2027-01-02T00:00:00Z') } } : {}),
}));

describe('issue report', () => {
  test('when services were issued then the table has one row each and a summary with the output folder', () => {
    const result: IssueRunResult = {
      dryRun: false, plan, warnings: [], notes: [],
      outcomes: [
        { service: 'frontend', namespace: 'default', action: 'issued', reason: 'no certificate yet', serial: 'bb', notBefore: '2026-12-01T00:00:00.000Z', notAfter: '2027-03-01T00:00:00.000Z', clamped: true, files: [] },
        { service: 'cart', namespace: 'default', action: 'unchanged', reason: 'up to date', serial: 'aa', notAfter: '2027-01-02T00:00:00.000Z', clamped: false, files: [] },
      ],
    };
    assert.deepEqual(issueTable(result, manifest, '/w', plain, true).split('\n'), [
      'SERVICE   ACTION      EXPIRES     REASON',
      'frontend  issued      2027-03-01  no certificate yet',
      'cart      unchanged   2027-01-02  up to date',
      '',
      '1 issued, 0 renewed, 0 reissued, 1 unchanged; files in out/<service>/',
    ]);
    assert.deepEqual(issueTable(result, manifest, '/w', plain).split('\n'), [
      'SERVICE   ACTION      EXPIRES     REASON',
      'frontend  issued      2027-03-01  no certificate yet',
      '',
      '1 issued, 0 renewed, 0 reissued, 1 unchanged; files in out/<service>/',
    ], 'without --verbose, unchanged services are only counted');
    const noop = { ...result, outcomes: result.outcomes.slice(1) };
    assert.deepEqual(issueTable(noop, manifest, '/w', plain).split('\n'), [
      '0 issued, 0 renewed, 0 reissued, 1 unchanged; files in out/<service>/',
    ], 'a run with nothing to do says one line');
    assert.deepEqual(issueWarnings(result), ["frontend: validity cut to the issuing CA's expiry (2027-03-01); renew the CA"]);
    const json = issueJson(result, manifest) as { summary: object; services: Array<{ dir: string }> };
    assert.deepEqual(json.summary, { issued: 1, renewed: 0, reissued: 0, unchanged: 1 });
    assert.equal(json.services[0]!.dir, '/w/out/frontend');
  });

  test('when it is a dry run then rows show planned actions and the summary says nothing was written', () => {
    const text = issueTable({ dryRun: true, plan, outcomes: [], warnings: [], notes: [] }, manifest, '/w', plain);
    assert.match(text, /^frontend {2}issue {7}- {11}no certificate yet$/m);
    assert.match(text, /dry run: 1 to issue, 0 to renew, 0 to reissue, 1 unchanged; nothing was written$/);
  });
});
