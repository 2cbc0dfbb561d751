/**
 * What nginx's `auth_request` sends KeyFence about a client's request (docs/forward-auth.md): GET
 * /forward-auth with the client's headers, X-Original-Method/-URI and X-Forwarded-For, for a
 * client at 203.0.113.7 calling ECS DescribeRegions.
 */
import { BENCH_HOST, describeRegions } from './forward-auth-process.js';
import type { LoadRequest } from './load.js';
import { type Credentials, signedLoadRequest } from './signed-headers.js';

const CLIENT = '203.0.113.7';

/** What nginx sends about a request naming its key in the query (verification off). */
export function identifyingCheck(root: Credentials): LoadRequest {
  return {
    method: 'GET',
    path: '/forward-auth',
    headers: {
      host: BENCH_HOST,
      'x-original-method': 'GET',
      'x-original-uri': `/?Action=DescribeRegions&Version=2014-05-26&AccessKeyId=${root.accessKeyId}`,
      'x-forwarded-for': CLIENT,
      'user-agent': 'keyfence-bench',
    },
  };
}

/** What nginx sends about an ACS3-signed request, signed as it is sent (fresh nonce). */
export function signedCheck(root: Credentials): LoadRequest {
  return signedLoadRequest('/forward-auth', describeRegions(root), {
    'x-original-method': 'GET',
    'x-original-uri': '/?RegionId=cn-hangzhou',
    'x-forwarded-for': CLIENT,
    'user-agent': 'keyfence-bench',
  });
}
