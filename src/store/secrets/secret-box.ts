import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { takeRandomBytes } from '../../common/random-pool.js';
import { StoreError } from '../store-error.js';
import type { MasterKey } from './master-key.js';

const format = 'v1.';
const ivLength = 12;
const tagLength = 16;

/**
 * AES-256-GCM encryption of stored secrets. The row's ID is bound in as associated data, so a
 * sealed secret copied onto another key's row fails to open instead of silently working.
 */
export class SecretBox {
  readonly #key: Buffer;
  /** A value derived from the master key that can be stored to detect a wrong key at start. */
  readonly fingerprint: string;

  constructor(masterKey: MasterKey) {
    this.#key = masterKey.deriveKey('secret-box/v1');
    this.fingerprint = createHmac('sha256', masterKey.deriveKey('fingerprint/v1'))
      .update('keyfence master key')
      .digest('base64');
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = takeRandomBytes(ivLength);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: tagLength });
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return format + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  }

  open(sealed: string, boundTo: string): string {
    const bytes = Buffer.from(sealed.slice(format.length), 'base64');
    if (!sealed.startsWith(format) || bytes.length < ivLength + tagLength) {
      throw new StoreError('Store.SecretUndecryptable', boundTo);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, ivLength), {
        authTagLength: tagLength,
      });
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - tagLength));
      return Buffer.concat([
        decipher.update(bytes.subarray(ivLength, bytes.length - tagLength)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new StoreError('Store.SecretUndecryptable', boundTo, { cause: error });
    }
  }
}
