import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built console is: `dist/console/` of the package, found from this file, which sits
 * three folders deep both as source (src/server/console/) and built (dist/server/console/).
 */
export const PACKAGE_CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const NOT_BUILT = 'the console was not built: run npm run build\n';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite names every file under assets/ by its content hash: a name never changes meaning.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The browser app's files under `/console/`: hashed `assets/*` cached for good, every other path
 * the client router's `index.html`, always revalidated. Paths resolve inside the root only.
 */
export class ConsoleStatic {
  readonly #root: string;

  constructor(root: string = PACKAGE_CONSOLE_DIR) {
    this.#root = resolve(root);
  }

  /** `path`: the decoded-or-not path after `/console/` (no query). Security headers are set by the caller. */
  async answer(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return plain(res, 405, 'GET or HEAD only\n', { allow: 'GET, HEAD' });
    }
    const index = await readable(resolve(this.#root, 'index.html'));
    if (index === undefined) return plain(res, 503, NOT_BUILT, { 'cache-control': 'no-store' });
    let relative: string;
    try {
      relative = decodeURIComponent(path);
    } catch {
      return plain(res, 404, 'not found\n');
    }
    if (relative.includes('\0')) return plain(res, 404, 'not found\n');
    const file = relative === '' ? index : resolve(this.#root, relative);
    if (file !== index && !file.startsWith(this.#root + sep)) return plain(res, 404, 'not found\n');
    // Decided on the resolved path: `assets%2F..%2Findex.html` is the page, not an asset to keep.
    const isAsset = file.startsWith(resolve(this.#root, 'assets') + sep);
    const found = file === index ? index : await this.#inside(file);
    if (found === OUTSIDE) return plain(res, 404, 'not found\n');
    if (found === undefined) {
      // A missing asset is a stale page asking for an old build: 404, not the app's HTML as script.
      // Anything else is a client route (user names may hold dots: no guessing by extension).
      if (isAsset) return plain(res, 404, 'not found\n');
      return send(req, res, index, 'no-cache');
    }
    return send(req, res, found, isAsset ? IMMUTABLE : 'no-cache');
  }

  /**
   * `file` when it is a regular file, `OUTSIDE` when its real path (symbolic links followed)
   * leaves the root: a link in the build pointing elsewhere serves nothing.
   */
  async #inside(file: string): Promise<string | typeof OUTSIDE | undefined> {
    if ((await readable(file)) === undefined) return undefined;
    try {
      const [real, root] = await Promise.all([realpath(file), realpath(this.#root)]);
      return real.startsWith(root + sep) ? file : OUTSIDE;
    } catch {
      return undefined;
    }
  }
}

const OUTSIDE = Symbol('outside the root');

/** The path when it names a regular file, else undefined. */
async function readable(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

async function send(req: IncomingMessage, res: ServerResponse, file: string, cache: string): Promise<void> {
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': cache,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
