import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

/** Where `--tls-self-signed` keeps its local CA and server certificate (under the data folder). */
export function devCertPaths(dataDir: string) {
  const dir = path.join(dataDir, 'tls');
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    caKeyFile: path.join(dir, 'ca-key.pem'),
    certFile: path.join(dir, 'server.pem'),
    keyFile: path.join(dir, 'server-key.pem'),
  };
}

export type DevCertPaths = ReturnType<typeof devCertPaths>;

const DAY = 86_400_000;
/** Browsers cap leaf lifetimes at 398 days; the CA lives longer so trusting it once lasts. */
const CA_DAYS = 3650;
const LEAF_DAYS = 397;
/** Renew a certificate this long before it expires. */
const RENEW_BEFORE = 30 * DAY;

function rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * A positive certificate serial in minimal DER form (hex for node-forge): 8 random bytes whose first
 * is 0x01–0x7f. A leading zero byte is illegal padding to OpenSSL — `00` before a random byte of
 * 0x00 made one start in 256 fail with "asn1 encoding routines::illegal padding".
 */
export function serialNumber(bytes: Buffer = randomBytes(8)): string {
  const b = Buffer.from(bytes);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

/** A certificate in PEM that is still valid for a while, or undefined. */
function usable(file: string, now: number): X509Certificate | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const cert = new X509Certificate(readFileSync(file));
    return Date.parse(cert.validTo) - now > RENEW_BEFORE ? cert : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the certificate names every host (DNS names and IP addresses) in its subjectAltName. */
function covers(cert: X509Certificate, hosts: readonly string[]): boolean {
  const names = new Set((cert.subjectAltName ?? '').split(', ').map((n) => n.trim().toLowerCase()));
  return hosts.every((h) => names.has(isIP(h) ? `ip address:${h}` : `dns:${h.toLowerCase()}`));
}

function writePrivate(file: string, pem: string): void {
  writeFileSync(file, pem, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export interface DevCertificate extends DevCertPaths {
  /** The names the server certificate is valid for. */
  hosts: string[];
  /** What this call did: reused both, or created the server certificate (and the CA). */
  created: 'nothing' | 'server' | 'ca-and-server';
}

/**
 * A local CA and a server certificate for `hosts`, under `<dataDir>/tls/` (folder 0700, private
 * keys 0600). Reused on the next start while valid and covering the hosts; the server certificate
 * is re-issued when a host is added or it nears expiry, the CA only when it is missing or expiring.
 * For local use and tests: clients trust `ca.pem` (the SDK variables `serve` prints).
 */
export async function ensureDevCertificate(
  dataDir: string,
  hosts: readonly string[],
): Promise<DevCertificate> {
  const paths = devCertPaths(dataDir);
  const wanted = [...new Set(hosts.map((h) => h.replace(/^\[|\]$/g, '')))];
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  const now = Date.now();
  let ca = usable(paths.caFile, now);
  const caKeyOk = ca !== undefined && existsSync(paths.caKeyFile);
  const leaf = usable(paths.certFile, now);
  if (caKeyOk && leaf && existsSync(paths.keyFile) && covers(leaf, wanted) && leaf.verify(ca!.publicKey)) {
    return { ...paths, hosts: wanted, created: 'nothing' };
  }
  // node-forge builds and signs the certificates (Node can parse X.509 but not issue it); it is
  // loaded only here, so a server without --tls-self-signed never pays for it.
  const { default: forge } = await import('node-forge');
  const { pki, md } = forge;
  let created: DevCertificate['created'] = 'server';
  let caCert: ReturnType<typeof pki.createCertificate>;
  let caKey: ReturnType<typeof pki.privateKeyFromPem>;
  if (!caKeyOk) {
    created = 'ca-and-server';
    const keys = rsaKeyPair();
    caKey = pki.privateKeyFromPem(keys.privateKeyPem);
    caCert = pki.createCertificate();
    caCert.publicKey = pki.publicKeyFromPem(keys.publicKeyPem);
    caCert.serialNumber = serialNumber();
    caCert.validity.notBefore = new Date(now - DAY);
    caCert.validity.notAfter = new Date(now + CA_DAYS * DAY);
    const name = [{ name: 'commonName', value: 'Latchkey local development CA' }];
    caCert.setSubject(name);
    caCert.setIssuer(name);
    caCert.setExtensions([
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    caCert.sign(caKey, md.sha256.create());
    writeFileSync(paths.caFile, pki.certificateToPem(caCert), { mode: 0o644 });
    writePrivate(paths.caKeyFile, keys.privateKeyPem);
    ca = new X509Certificate(readFileSync(paths.caFile));
  } else {
    caCert = pki.certificateFromPem(readFileSync(paths.caFile, 'utf8'));
    caKey = pki.privateKeyFromPem(readFileSync(paths.caKeyFile, 'utf8'));
  }
  const keys = rsaKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now - DAY);
  cert.validity.notAfter = new Date(now + LEAF_DAYS * DAY);
  cert.setSubject([{ name: 'commonName', value: wanted[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: wanted.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, md.sha256.create());
  writeFileSync(paths.certFile, pki.certificateToPem(cert), { mode: 0o644 });
  writePrivate(paths.keyFile, keys.privateKeyPem);
  return { ...paths, hosts: wanted, created };
}

/** The names a certificate for this server should carry: loopback names, the public host, the bind host. */
export function devCertHosts(publicUrl: string, bindHost: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1', new URL(publicUrl).hostname.replace(/^\[|\]$/g, '')];
  if (bindHost !== '0.0.0.0' && bindHost !== '::') hosts.push(bindHost);
  return [...new Set(hosts)];
}
