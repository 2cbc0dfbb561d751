import { chmodSync, closeSync, constants, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { chmod, mkdir, open, rename } from 'node:fs/promises';
import { relative, sep } from 'node:path';

// A mode given to mkdir or open is cut by the umask; an odd umask (0277) would leave a folder
// KeyFence cannot write to, so what KeyFence creates gets its mode set again explicitly.
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Creates `dir` and any missing parents 0700, whatever the umask. Folders that already exist
 * are left as they are: whoever made them chose their mode.
 */
export async function makePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  for (const path of createdFolders(first, dir)) await chmod(path, PRIVATE_DIR);
}

/** `makePrivateDir`, for a caller that must not yield (a node reading its state back at start). */
export function makePrivateDirSync(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  for (const path of createdFolders(first, dir)) chmodSync(path, PRIVATE_DIR);
}

/** The folders a recursive mkdir created: from the first it made (undefined: none) down to `dir`. */
function createdFolders(first: string | undefined, dir: string): string[] {
  if (first === undefined) return [];
  const folders = [first];
  const below = relative(first, dir);
  if (below === '') return folders;
  let path = first;
  for (const part of below.split(sep)) {
    path = `${path}${sep}${part}`;
    folders.push(path);
  }
  return folders;
}

/** Opens `file` for appending (and reading), created 0600 whatever the umask. */
export function openPrivateAppendSync(file: string): number {
  const fd = openSync(file, 'a+', PRIVATE_FILE);
  try {
    fchmodSync(fd, PRIVATE_FILE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/**
 * Creates `file` empty and 0600 if it does not exist, so that a library that would create it
 * with a mode of its own (SQLite: 0644 less the umask) finds it there. A missing folder is left
 * for that library to report, as it would have.
 */
export function createPrivateFileSync(file: string): void {
  let fd: number;
  try {
    fd = openSync(
      file,
      constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      PRIVATE_FILE,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') return;
    throw error;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `file` with `text` in one step (a reader sees the old text or the new), 0600. */
export async function replacePrivateFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w', PRIVATE_FILE);
  try {
    await handle.chmod(PRIVATE_FILE);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}
