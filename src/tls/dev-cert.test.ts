import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { devCertHosts, ensureDevCertificate, serialNumber } from './dev-cert.js';

describe('self-signed development certificate', () => {
  it('serials are positive and minimally encoded whatever the random bytes (OpenSSL refuses padding)', () => {
    for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const hex = serialNumber(Buffer.from([first, 0, 0, 0, 0, 0, 0, 0]));
      const lead = Number.parseInt(hex.slice(0, 2), 16);
      expect(lead, hex).toBeGreaterThanOrEqual(1);
      expect(lead, hex).toBeLessThan(0x80);
      expect(hex).toHaveLength(16);
    }
  });

  it('creates a CA and a server certificate for the hosts, private keys 0600, trusted by a client given the CA', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lk-tls-'));
    const cert = await ensureDevCertificate(dir, devCertHosts('https://localhost:8443', '127.0.0.1'));
    expect(cert.created).toBe('ca-and-server');
    expect(cert.hosts).toEqual(['localhost', '127.0.0.1', '::1']);
    for (const f of [cert.caKeyFile, cert.keyFile]) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(cert.dir).mode & 0o777).toBe(0o700);
    const leaf = new X509Certificate(readFileSync(cert.certFile));
    const ca = new X509Certificate(readFileSync(cert.caFile));
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');

    // A real TLS handshake: trusted with the CA, refused without it.
    const server = createServer(
      { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) },
      (_q, r) => r.end('ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://localhost:${(server.address() as AddressInfo).port}/`;
    try {
      const trusted = new Agent({ connect: { ca: readFileSync(cert.caFile) } });
      expect(await (await fetch(url, { dispatcher: trusted })).text()).toBe('ok');
      await expect(fetch(url, { dispatcher: new Agent() })).rejects.toThrow();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('reuses both on the next start; a new host re-issues only the server certificate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lk-tls-'));
    const first = await ensureDevCertificate(dir, ['localhost']);
    const caPem = readFileSync(first.caFile, 'utf8');
    const leafPem = readFileSync(first.certFile, 'utf8');
    expect((await ensureDevCertificate(dir, ['localhost'])).created).toBe('nothing');
    expect(readFileSync(first.certFile, 'utf8')).toBe(leafPem);
    const widened = await ensureDevCertificate(dir, ['localhost', 'latchkey.test']);
    expect(widened.created).toBe('server');
    expect(readFileSync(first.caFile, 'utf8')).toBe(caPem);
    expect(new X509Certificate(readFileSync(first.certFile)).subjectAltName).toContain('DNS:latchkey.test');
  });

  it('devCertHosts: loopback names, the public host, a specific bind address', () => {
    expect(devCertHosts('https://gw.example.com', '0.0.0.0')).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
      'gw.example.com',
    ]);
    expect(devCertHosts('https://[::1]:9', '10.0.0.5')).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
      '10.0.0.5',
    ]);
  });
});
