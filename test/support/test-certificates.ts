/**
 * A throwaway certificate authority for the TLS tests, made at run time with the openssl CLI
 * (nothing committed): a CA, and server certificates it signs for 127.0.0.1 and localhost (or
 * other names).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A PEM certificate and its key, as files. */
export interface Pair {
  readonly cert: string;
  readonly key: string;
  /** The certificate's SHA-256 fingerprint as node's `getPeerCertificate()` shows it. */
  readonly fingerprint: string;
}

export interface TestCa {
  readonly dir: string;
  /** The CA certificate's file. */
  readonly caFile: string;
  /** Its PEM text. */
  readonly caPem: string;
  /**
   * A fresh server certificate signed by the CA, and its key: for 127.0.0.1 and localhost, or
   * for the subjectAltName entries given (`DNS:name`, `IP:address`).
   */
  issue(name: string, altNames?: readonly string[]): Pair;
}

const openssl = (args: readonly string[]) =>
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Makes a CA in a temporary directory, removed after the test file. */
export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'keyfence-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  openssl([
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '2',
    '-subj',
    '/CN=KeyFence test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return {
    dir,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    issue(name, altNames = ['IP:127.0.0.1', 'DNS:localhost']) {
      const extensions = join(dir, `${name}.ext`);
      writeFileSync(
        extensions,
        `basicConstraints=CA:FALSE\nsubjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth\n`,
      );
      const cert = join(dir, `${name}.pem`);
      const key = join(dir, `${name}.key`);
      const request = join(dir, `${name}.csr`);
      openssl(['req', '-new', ...newKey, '-keyout', key, '-out', request, '-subj', `/CN=${name}`]);
      openssl([
        'x509',
        '-req',
        '-in',
        request,
        '-CA',
        caFile,
        '-CAkey',
        caKey,
        '-set_serial',
        `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`,
        '-days',
        '2',
        '-extfile',
        extensions,
        '-out',
        cert,
      ]);
      return { cert, key, fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
    },
  };
}

/** The files a listener is configured with, as certbot renews them: `install` puts a pair there. */
export interface LivePair {
  readonly cert: string;
  readonly key: string;
  install(pair: Pair): void;
}

/** `live.pem` and `live.key` in the CA's folder, holding `pair` to begin with. */
export function livePair(ca: TestCa, pair: Pair): LivePair {
  const live: LivePair = {
    cert: join(ca.dir, 'live.pem'),
    key: join(ca.dir, 'live.key'),
    install(next) {
      copyFileSync(next.cert, live.cert);
      copyFileSync(next.key, live.key);
    },
  };
  live.install(pair);
  return live;
}
