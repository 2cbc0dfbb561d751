import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { StoreError } from '../store-error.js';
import { MasterKey } from './master-key.js';

/** The environment variable that, when set, holds the master key (base64 of 32 bytes). */
export const MASTER_KEY_ENV = 'KEYFENCE_MASTER_KEY';
/** The key file's name inside the data directory. */
export const MASTER_KEY_FILE_NAME = 'master.key';

export type MasterKeySource =
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string };

/** The environment variable wins over the file, so containers can inject the key without a volume. */
export function masterKeySource(env: NodeJS.ProcessEnv, file: string): MasterKeySource {
  return env[MASTER_KEY_ENV] !== undefined
    ? { kind: 'env', name: MASTER_KEY_ENV }
    : { kind: 'file', path: file };
}

export async function loadMasterKey(source: MasterKeySource, env: NodeJS.ProcessEnv): Promise<MasterKey> {
  if (source.kind === 'env') return MasterKey.parse(env[source.name] ?? '');
  return readMasterKeyFile(source.path);
}

/** Refuses a file that group or others could read, as ssh does for private keys. */
export async function readMasterKeyFile(path: string): Promise<MasterKey> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new StoreError('MasterKey.Missing', path, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new StoreError('MasterKey.Missing', path);
    if ((stat.mode & 0o077) !== 0) throw new StoreError('MasterKey.InsecurePermissions', path);
    return MasterKey.parse(await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Creates the key file with mode 0600, failing if it already exists (O_EXCL) so that an
 * existing key, and with it every secret encrypted under it, is never overwritten.
 */
export async function createMasterKeyFile(path: string, key: MasterKey): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(`${key.encode()}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(path);
    throw error;
  }
  await handle.close();
}
