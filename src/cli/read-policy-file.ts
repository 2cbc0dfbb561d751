import { open } from 'node:fs/promises';
import { err, ok, type Result } from '../common/result.js';
import { policyTooLarge } from '../policy/parse-policy.js';
import { DEFAULT_POLICY_LIMITS, type PolicyLimits } from '../policy/policy-limits.js';

/** The code the CLI reports when a policy file itself cannot be read. */
export const FILE_UNREADABLE = 'File.Unreadable';

export interface PolicyFileError {
  readonly code: string;
  readonly message: string;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads a policy file as UTF-8, at most what the size limit allows (plus a byte-order mark,
 * which editors on Windows add and which is not content), so pointing the CLI at a huge file
 * costs no memory.
 */
export async function readPolicyFile(
  path: string,
  limits: PolicyLimits,
): Promise<Result<string, PolicyFileError>> {
  const capacity = limits.maxDocumentBytes + BOM.length + 1;
  const buffer = Buffer.alloc(capacity);
  let total = 0;
  try {
    const handle = await open(path, 'r');
    try {
      while (total < capacity) {
        const { bytesRead } = await handle.read(buffer, total, capacity - total, null);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
    } finally {
      await handle.close();
    }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err({
      code: FILE_UNREADABLE,
      message: `cannot read policy file ${JSON.stringify(path)}: ${reason}`,
    });
  }
  const start = BOM.every((b, k) => buffer[k] === b) ? BOM.length : 0;
  if (total - start > limits.maxDocumentBytes) {
    const { code, message } = policyTooLarge(limits);
    return err({ code, message });
  }
  return ok(buffer.subarray(start, total).toString('utf8'));
}

/**
 * The most of a policy file the CLI sends a server. The server validates the document against its
 * own limits, which a deployment may raise above the defaults; this cap only keeps a wrong file
 * (a log, an image) from being read and sent whole.
 */
const MAX_SENT_POLICY_BYTES = 1024 * 1024;

/** A policy file to send a server as it is (`policy candidate set`, `policy simulate`). */
export function readPolicyFileToSend(path: string): Promise<Result<string, PolicyFileError>> {
  return readPolicyFile(path, { ...DEFAULT_POLICY_LIMITS, maxDocumentBytes: MAX_SENT_POLICY_BYTES });
}
