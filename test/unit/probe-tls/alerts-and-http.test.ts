import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertFromNodeError, alertName, toAlert } from '../../../src/probe/alerts.js';
import { hostHeader, httpRequest, HttpResponseReader } from '../../../src/probe/http-exchange.js';
import { bannerOf } from '../../../src/probe/session-facts.js';

test('when alert numbers of RFC 8446 and RFC 5246 are named then the RFC names come back', () => {
  const table: Array<[number, string]> = [
    [0, 'close_notify'],
    [40, 'handshake_failure'],
    [42, 'bad_certificate'],
    [45, 'certificate_expired'],
    [48, 'unknown_ca'],
    [51, 'decrypt_error'],
    [70, 'protocol_version'],
    [116, 'certificate_required'],
    [41, 'no_certificate'],
    [120, 'no_application_protocol'],
    [199, 'unknown_alert_199'],
  ];
  for (const [number, name] of table) assert.equal(alertName(number), name);
});

test('when an alert is built from its bytes then the level follows the level byte', () => {
  assert.deepEqual(toAlert(2, 48), { level: 'fatal', description: 48, name: 'unknown_ca' });
  assert.equal(toAlert(1, 0).level, 'warning');
});

test('when Node reports an alert in its message then its number is read', () => {
  const error = {
    message: 'ssl3_read_bytes:tlsv1 alert unknown ca:../rec_layer_s3.c:1601:SSL alert number 48',
  };
  assert.equal(alertFromNodeError(error)?.name, 'unknown_ca');
  assert.equal(alertFromNodeError({ message: 'socket hang up' }), undefined);
});

test('when the request is built then it has Host and Connection: close', () => {
  const request = httpRequest('health', hostHeader('::1', 8443));
  assert.match(request, /^GET \/health HTTP\/1\.1\r\n/);
  assert.match(request, /\r\nHost: \[::1\]:8443\r\n/);
  assert.match(request, /\r\nConnection: close\r\n\r\n$/);
  assert.equal(hostHeader('api.example', 443), 'api.example');
});

test('when a response with Content-Length arrives in pieces then it completes at the end of its body', () => {
  const reader = new HttpResponseReader();
  assert.equal(
    reader.push(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 15\r\n')),
    false,
  );
  assert.equal(reader.hasStatus, false);
  assert.equal(reader.push(Buffer.from('\r\nNo required')), false);
  assert.equal(reader.push(Buffer.from(' SSL')), true);
  assert.deepEqual(reader.answer(), {
    status: 400,
    statusText: 'Bad Request',
    bodyHead: 'No required SSL',
  });
});

test('when a chunked response arrives then the body head is de-chunked', () => {
  const reader = new HttpResponseReader();
  const done = reader.push(
    Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    ),
  );
  assert.equal(done, true);
  assert.equal(reader.answer()?.bodyHead, 'hello world');
});

test('when the body is long then only the first 200 bytes are kept', () => {
  const reader = new HttpResponseReader();
  assert.equal(reader.push(Buffer.from(`HTTP/1.0 200 OK\r\n\r\n${'x'.repeat(500)}`)), true);
  assert.equal(reader.answer()?.bodyHead.length, 200);
});

test('when a non-TLS peer greets then the banner is its first printable line', () => {
  assert.equal(bannerOf(Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n')), 'SSH-2.0-OpenSSH_9.2p1');
  assert.equal(bannerOf(Buffer.from('\r\n<!DOCTYPE HTML>\n<html>')), '<!DOCTYPE HTML>');
  assert.equal(bannerOf(Buffer.from('220 mail.example ESMTP\r\n')), '220 mail.example ESMTP');
  assert.equal(bannerOf(Buffer.from([0x00, 0x41, 0x42, 0x0a])), '.AB');
});
