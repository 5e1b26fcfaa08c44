/**
 * One set of mTLS test identities for probe tests, written to a temp dir:
 * a good CA (root + intermediate) with server and client leaves, an expired
 * client, a client from a stranger CA, and a partner CA only listed by name.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestCa, makeTestLeaf, type TestCa, type TestLeaf } from './mini-ca.js';
import { observeHandshake } from '../../src/probe/observe.js';
import type { HandshakeObservation, ObserveOptions } from '../../src/probe/types.js';

const DAY = 86_400_000;

/** PEM strings of one client identity, as ObserveOptions takes them. */
export interface ClientIdentity {
  cert: string;
  key: string;
  leafDer: Buffer;
}

/** The identities and the files servers load. */
export interface MtlsFixture {
  ca: TestCa;
  server: TestLeaf;
  client: ClientIdentity;
  expired: ClientIdentity;
  stranger: ClientIdentity;
  /** Root of the good CA: the probe's trust bundle. */
  trustPem: string;
  strangerTrustPem: string;
  files: {
    serverLeaf: string;
    serverIntermediate: string;
    serverKey: string;
    /** Good root and intermediate: what servers verify clients against. */
    clientCa: string;
    /** clientCa plus the partner root: three acceptable CA names. */
    clientCaWithPartner: string;
  };
}

function identity(leaf: TestLeaf): ClientIdentity {
  return { cert: leaf.chainPem, key: leaf.keyPem, leafDer: leaf.der };
}

/** Creates the identities and writes the server-side files into `dir`. */
export async function makeMtlsFixture(dir: string): Promise<MtlsFixture> {
  const ca = await makeTestCa({ name: 'Probe Test CA' });
  const stranger = await makeTestCa({ name: 'Stranger CA' });
  const partner = await makeTestCa({ name: 'Partner CA', intermediate: false });
  const server = await makeTestLeaf(ca, { usage: 'server' });
  const client = await makeTestLeaf(ca, { commonName: 'client', usage: 'client' });
  const now = Date.now();
  const expired = await makeTestLeaf(ca, {
    commonName: 'expired-client',
    usage: 'client',
    notBefore: new Date(now - 10 * DAY),
    notAfter: new Date(now - DAY),
  });
  const strangerClient = await makeTestLeaf(stranger, { commonName: 'stranger', usage: 'client' });
  const files = {
    serverLeaf: join(dir, 'server-leaf.pem'),
    serverIntermediate: join(dir, 'server-intermediate.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientCa: join(dir, 'client-ca.pem'),
    clientCaWithPartner: join(dir, 'client-ca-partner.pem'),
  };
  const clientCa = ca.root.certPem + ca.intermediate!.certPem;
  await writeFile(files.serverLeaf, server.certPem);
  await writeFile(files.serverIntermediate, ca.intermediate!.certPem);
  await writeFile(files.serverKey, server.keyPem, { mode: 0o600 });
  await writeFile(files.clientCa, clientCa);
  await writeFile(files.clientCaWithPartner, clientCa + partner.root.certPem);
  return {
    ca,
    server,
    trustPem: ca.trustPem,
    strangerTrustPem: stranger.trustPem,
    files,
    client: identity(client),
    expired: identity(expired),
    stranger: identity(strangerClient),
  };
}

/**
 * One observed handshake with the fixture's trust bundle against
 * 127.0.0.1:port, pinned to one TLS version, as `who` (or with no certificate).
 */
export function observeAs(
  fx: MtlsFixture,
  port: number,
  version: 'TLSv1.2' | 'TLSv1.3',
  who?: ClientIdentity,
  extra: Partial<ObserveOptions> = {},
): Promise<HandshakeObservation> {
  return observeHandshake({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: fx.trustPem,
    timeoutMs: 10_000,
    minVersion: version,
    maxVersion: version,
    cert: who?.cert,
    key: who?.key,
    ...extra,
  });
}
