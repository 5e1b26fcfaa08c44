import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MtlsError } from '../../../src/errors.js';
import { loadManifest } from '../../../src/manifest/load.js';
import { parseManifest } from '../../../src/manifest/parse.js';
import { tempDir } from '../../helpers/tmp.js';

/** The detail lines of the MANIFEST_INVALID error `text` raises. */
function problemsOf(text: string): string[] {
  try {
    parseManifest(text, '/srv/app/mtls.yaml', 'mtls.yaml');
  } catch (error) {
    assert.ok(error instanceof MtlsError, String(error));
    assert.equal(error.code, 'MANIFEST_INVALID');
    assert.equal(error.exitCode, 3);
    return error.details;
  }
  assert.fail('the manifest was accepted');
}

const svc = (body: string) => `services:\n  - name: api\n${body}`;

interface Case {
  title: string;
  yaml: string;
  /** `line:col: field` the single problem must start with. */
  at: string;
  says: RegExp;
}

const CASES: Case[] = [
  { title: 'a top-level key is misspelt', yaml: 'clustrDomain: x.local\nservices: [{name: a}]\n', at: '1:1: clustrDomain', says: /unknown key "clustrDomain"; did you mean "clusterDomain"\?/ },
  { title: 'a service key has swapped letters', yaml: 'services:\n  - name: a\n    nmae: b\n', at: '3:5: services[0].nmae', says: /did you mean "name"\?/ },
  { title: 'a key is nothing like any allowed key', yaml: svc('    colour: red\n'), at: '3:5: services[0].colour', says: /allowed keys here are name, namespace/ },
  { title: 'a defaults key is misspelt', yaml: 'defaults:\n  ttll: 9d\nservices: [{name: a}]\n', at: '2:3: defaults.ttll', says: /did you mean "ttl"\?/ },
  { title: 'a p12 key is misspelt', yaml: svc('    p12: { passwordFiel: x }\n'), at: '3:12: services[0].p12.passwordFiel', says: /did you mean "passwordFile"\?/ },
  { title: 'defaults holds a per-service-only key', yaml: 'defaults:\n  dns: [a.example]\nservices: [{name: a}]\n', at: '2:3: defaults.dns', says: /unknown key "dns"/ },
  { title: 'two services share a name', yaml: 'services:\n  - name: api\n  - name: web\n  - name: api\n', at: '4:11: services[2].name', says: /"api" is already the name of services\[0\]; give each service a unique name/ },
  { title: 'the name has capitals and an underscore', yaml: 'services:\n  - name: Front_End\n', at: '2:11: services[0].name', says: /"Front_End" is not a DNS label; .*e\.g\. "front-end"/ },
  { title: 'the name is longer than 63 characters', yaml: `services:\n  - name: ${'a'.repeat(64)}\n`, at: '2:11: services[0].name', says: /is 64 characters long \(at most 63\)/ },
  { title: 'the name is missing', yaml: 'services:\n  - namespace: shop\n', at: '2:5: services[0].name', says: /is missing; write a DNS label/ },
  { title: 'the namespace is not a label', yaml: svc('    namespace: my.ns\n'), at: '3:16: services[0].namespace', says: /"my.ns" is not a DNS label/ },
  { title: 'a DNS name has upper case', yaml: svc('    dns: [Shop.example.com]\n'), at: '3:11: services[0].dns[0]', says: /upper-case letters; .*perhaps "shop.example.com"/ },
  { title: 'a DNS name has an underscore', yaml: svc('    dns: [a.b_c.example]\n'), at: '3:11: services[0].dns[0]', says: /the label "b_c" may hold only/ },
  { title: 'a DNS name ends with a dot', yaml: svc('    dns: [shop.example.com.]\n'), at: '3:11: services[0].dns[0]', says: /ends with a dot/ },
  { title: 'a DNS name is an IP address', yaml: svc('    dns: [10.1.2.3]\n'), at: '3:11: services[0].dns[0]', says: /is an IP address \(put it under ip\)/ },
  { title: 'a DNS name has an empty label', yaml: svc('    dns: [a..example]\n'), at: '3:11: services[0].dns[0]', says: /empty label/ },
  { title: 'a DNS label is longer than 63', yaml: svc(`    dns: [${'x'.repeat(64)}.example]\n`), at: '3:11: services[0].dns[0]', says: /longer than 63 characters/ },
  { title: 'a wildcard is not leftmost', yaml: svc('    dns: [a.*.example.com]\n'), at: '3:11: services[0].dns[0]', says: /the label "\*"/ },
  { title: 'an IPv4 address is out of range', yaml: svc('    ip: [10.0.0.5, 300.1.1.1]\n'), at: '3:20: services[0].ip[1]', says: /"300.1.1.1" is not an IP address/ },
  { title: 'an IPv6 address has a prefix length', yaml: svc('    ip: ["fd00::/8"]\n'), at: '3:10: services[0].ip[0]', says: /without a prefix length/ },
  { title: 'an IPv6 address has a zone', yaml: svc('    ip: ["fe80::1%eth0"]\n'), at: '3:10: services[0].ip[0]', says: /without a zone/ },
  { title: 'a URI is relative', yaml: svc('    uri: [/ns/default]\n'), at: '3:11: services[0].uri[0]', says: /not an absolute URI; start it with a scheme/ },
  { title: 'a URI has a space', yaml: svc('    uri: ["spiffe://x/a b"]\n'), at: '3:11: services[0].uri[0]', says: /not a valid URI/ },
  { title: 'a URI is a second SPIFFE ID', yaml: svc('    uri: [https://api.example/id, spiffe://cluster.local/ns/x/sa/y]\n'), at: '3:35: services[0].uri[1]', says: /would be a second SPIFFE ID, and an X\.509-SVID holds exactly one; remove it/ },
  { title: 'a ttl has an unknown unit', yaml: svc('    ttl: 90x\n'), at: '3:10: services[0].ttl', says: /"90x" is not a duration; use a number and a unit/ },
  { title: 'a ttl is a bare number', yaml: svc('    ttl: 90\n'), at: '3:10: services[0].ttl', says: /expected a string, got the number 90; write a duration such as 90d/ },
  { title: 'renewBefore is empty', yaml: svc('    renewBefore:\n'), at: '3:5: services[0].renewBefore', says: /expected a string, got nothing/ },
  { title: 'the key type is unknown', yaml: svc('    keyType: ecdsa-256\n'), at: '3:14: services[0].keyType', says: /not a valid key type; did you mean "ecdsa-p256"\?/ },
  { title: 'the key type is far from any known one', yaml: svc('    keyType: dsa\n'), at: '3:14: services[0].keyType', says: /write one of ecdsa-p256, ecdsa-p384, rsa-2048/ },
  { title: 'the usage is not server, client or both', yaml: svc('    usage: peer\n'), at: '3:12: services[0].usage', says: /"peer" is not a valid usage; write one of server, client, both/ },
  { title: 'a format is unknown', yaml: svc('    formats: [pem, jks]\n'), at: '3:20: services[0].formats[1]', says: /"jks" is not a valid format/ },
  { title: 'renewBefore is not shorter than the ttl', yaml: svc('    ttl: 10d\n    renewBefore: 10d\n'), at: '4:18: services[0].renewBefore', says: /renewBefore 10d is not shorter than ttl 10d/ },
  { title: 'a service ttl falls below the default renewBefore', yaml: 'defaults:\n  renewBefore: 30d\nservices:\n  - name: a\n    ttl: 7d\n', at: '5:10: services[0].ttl', says: /renewBefore 30d is not shorter than ttl 7d/ },
  { title: 'defaults renewBefore exceeds defaults ttl', yaml: 'defaults:\n  ttl: 1d\n  renewBefore: 2d\nservices: [{name: a}]\n', at: '3:16: defaults.renewBefore', says: /not shorter than ttl 1d/ },
  { title: 'both password sources are set', yaml: svc('    p12: { passwordFile: p, passwordEnv: P }\n'), at: '3:29: services[0].p12.passwordEnv', says: /keep only one password source/ },
  { title: 'the password variable name is invalid', yaml: svc('    p12: { passwordEnv: my-pass }\n'), at: '3:25: services[0].p12.passwordEnv', says: /not an environment variable name/ },
  { title: 'legacy is not a boolean', yaml: svc('    p12: { legacy: yes }\n'), at: '3:20: services[0].p12.legacy', says: /expected true or false, got "yes"/ },
  { title: 'the trust domain has a scheme', yaml: 'trustDomain: spiffe://x\nservices: [{name: a}]\n', at: '1:14: trustDomain', says: /not a SPIFFE trust domain/ },
  { title: 'services is missing', yaml: 'trustDomain: x.local\n', at: '1:1: services', says: /is missing; write a list of services/ },
  { title: 'services is empty', yaml: 'services: []\n', at: '1:11: services', says: /the list is empty/ },
  { title: 'a service is a string', yaml: 'services:\n  - api\n', at: '2:5: services[0]', says: /expected a map, got "api"/ },
  { title: 'the document is a list', yaml: '- name: a\n', at: '1:1: manifest', says: /expected a map, got a list/ },
  { title: 'the YAML is broken', yaml: 'services:\n  - name: [a\n', at: '3:1: YAML syntax', says: /check the indentation and quoting/ },
  { title: 'a YAML key is repeated', yaml: 'outDir: a\noutDir: b\nservices: [{name: a}]\n', at: '2:1: YAML syntax', says: /Map keys must be unique; remove or rename one/ },
  { title: 'the file is empty', yaml: '', at: '1:1: manifest', says: /the file is empty/ },
  { title: 'the file holds only comments', yaml: '# nothing yet\n', at: '1:1: manifest', says: /the file is empty/ },
];

describe('manifest validation', () => {
  for (const c of CASES) {
    test(`when ${c.title} then one problem names ${c.at}`, () => {
      const problems = problemsOf(c.yaml);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.ok(problems[0]!.startsWith(`mtls.yaml:${c.at}: `), problems[0]);
      assert.match(problems[0]!, c.says);
      assert.match(problems[0]!, /; /, 'every problem says how to fix it');
    });
  }

  test('when a manifest has many mistakes then all of them are reported in line order in one error', () => {
    const text = [
      'trustDomian: cluster.local', // 1
      'defaults:', //                  2
      '  ttl: 90', //                  3
      'services:', //                  4
      '  - name: Web', //              5
      '    ip: [1.2.3]', //            6
      '  - name: api', //              7
      '    keyType: rsa-1024', //      8
      '  - name: api', //              9
      '    uri: [no-scheme]', //       10
    ].join('\n');
    let error: MtlsError | undefined;
    try {
      parseManifest(text, '/srv/app/mtls.yaml', 'mtls.yaml');
    } catch (e) {
      error = e as MtlsError;
    }
    assert.ok(error);
    assert.equal(error.message, 'found 7 problems in manifest mtls.yaml');
    const lines = error.details.map((d) => Number(/^mtls\.yaml:(\d+):/.exec(d)![1]));
    assert.deepEqual(lines, [1, 3, 5, 6, 8, 9, 10]);
    assert.match(error.details.join('\n'), /did you mean "trustDomain"/);
    assert.match(error.hint!, /mtlsctl manifest check -f mtls.yaml/);
  });

  test('when valid fields sit next to invalid ones then only the invalid ones are reported', () => {
    const problems = problemsOf(svc('    dns: [ok.example.com, "*.ok.example.com", bad_one]\n    ip: ["::1", 10.0.0.1]\n'));
    assert.deepEqual(problems.map((p) => p.split(': ')[1]), ['services[0].dns[2]']);
  });

  test('when the file does not exist then FILE_NOT_FOUND with exit 3 names it', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(loadManifest('missing.yaml', { cwd: dir }), (e: MtlsError) => {
      assert.equal(e.code, 'FILE_NOT_FOUND');
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /cannot read manifest missing\.yaml: no such file/);
      return true;
    });
  });

  test('when the path is a directory then FILE_NOT_FOUND says so', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'm.yaml'));
    await assert.rejects(loadManifest('m.yaml', { cwd: dir }), /it is a directory/);
  });
});
