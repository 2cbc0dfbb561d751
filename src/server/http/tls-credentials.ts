import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { KeyFenceError } from '../../common/keyfence-error.js';
import type { ListenerTls } from '../../config/keyfence-config.js';

/** Why a certificate, key or CA file cannot be used; the message names the file. */
export type TlsFileErrorCode =
  /** Missing, not a file, or not readable by this process. */
  | 'Tls.Unreadable'
  /** Not a PEM certificate. */
  | 'Tls.InvalidCertificate'
  /** Not an unencrypted PEM private key. */
  | 'Tls.InvalidKey'
  /** The key is not the certificate's. */
  | 'Tls.KeyMismatch';

export class TlsFileError extends KeyFenceError {
  constructor(code: TlsFileErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/**
 * Node's defaults (its cipher list, TLS 1.3 preferred) with TLS 1.2 as the floor, whatever
 * `--tls-min-v1.0` or openssl.cnf say.
 */
const MIN_VERSION = 'TLSv1.2';

/**
 * A listener's certificate (with its chain) and private key, read and checked as a pair: each
 * problem names the file at fault, where createSecureContext alone would say only "key values
 * mismatch" or "no start line".
 */
export async function loadServerContext(files: ListenerTls): Promise<SecureContext> {
  const [certPem, keyPem] = await Promise.all([
    readPem(files.cert, 'certificate'),
    readPem(files.key, 'private key'),
  ]);
  const leaf = parseCertificate(certPem, files.cert, 'certificate');
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new TlsFileError(
      'Tls.InvalidKey',
      `the private key file ${files.key} holds no unencrypted PEM private key`,
      { cause: error },
    );
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new TlsFileError(
      'Tls.KeyMismatch',
      `the private key in ${files.key} does not belong to the certificate in ${files.cert}`,
    );
  }
  try {
    return createSecureContext({ cert: certPem, key: keyPem, minVersion: MIN_VERSION });
  } catch (error) {
    // A chain certificate after the first that does not parse.
    throw new TlsFileError(
      'Tls.InvalidCertificate',
      `the certificate file ${files.cert} is not usable: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The certificates of a PEM file of CA certificates (at least one), checked one by one. */
export async function loadCaCertificates(file: string): Promise<string[]> {
  const text = (await readPem(file, 'CA certificate')).toString('utf8');
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    throw new TlsFileError('Tls.InvalidCertificate', `the CA file ${file} holds no PEM certificate`);
  }
  for (const block of blocks) parseCertificate(Buffer.from(block), file, 'CA certificate');
  return blocks;
}

/**
 * The certificates of `NODE_EXTRA_CA_CERTS`, which Node adds to its trust store at start but which
 * Node 20 cannot list, read again from the same file: none when it is unset or unreadable, and
 * only those that parse (Node warned at start about the rest).
 */
export async function extraCaCertificates(env: NodeJS.ProcessEnv): Promise<string[]> {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (file === undefined || file === '') return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return pemBlocks(text).filter((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'is not readable by this process'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? (error as Error).message})`;
    throw new TlsFileError('Tls.Unreadable', `the ${what} file ${file} ${why}`, { cause: error });
  }
}

function parseCertificate(pem: Buffer, file: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new TlsFileError(
      'Tls.InvalidCertificate',
      `the ${what} file ${file} holds no usable PEM certificate`,
      {
        cause: error,
      },
    );
  }
}
