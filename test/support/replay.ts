/**
 * The request the replay tests send twice: a signed call that changes state, captured on the wire.
 */
import { type Credentials, type RawRequest, signedRequest } from './server-harness.js';

/**
 * A SetAccessKeyPolicyForAccount allowing 127.0.0.1 and `ip`, signed for `port` with `signature`,
 * exactly as an eavesdropper would have captured it.
 */
export function capturedPolicyChange(
  port: number,
  credentials: Credentials,
  signature: 'v3' | 'v2',
  ip: string,
): RawRequest {
  return signedRequest(port, {
    action: 'SetAccessKeyPolicyForAccount',
    params: {
      AccessKeyPolicy: JSON.stringify({
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'ClassicWhiteList', IPList: ['127.0.0.1', ip] }],
      }),
    },
    credentials,
    signature,
  });
}
