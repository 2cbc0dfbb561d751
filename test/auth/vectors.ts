/** The V3 and V2 signature test vectors, as data shared by the signer and verifier tests. */
import type { Param } from '../../src/auth/request-params.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Acs3Vector {
  readonly method: string;
  readonly path: string;
  /** In the order the client sends them, not sorted. */
  readonly query: readonly Param[];
  readonly headers: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly secret: string;
  readonly signedHeaders: string;
  readonly hashedCanonicalRequest?: string;
  readonly signature: string;
}

export const authorizationOf = (v: Acs3Vector): string =>
  `ACS3-HMAC-SHA256 Credential=${v.accessKeyId},SignedHeaders=${v.signedHeaders},Signature=${v.signature}`;

/** Alibaba's worked example ("fixed parameter values" of the V3 document). */
export const V3_1: Acs3Vector = {
  method: 'POST',
  path: '/',
  query: [
    ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
    ['RegionId', 'cn-shanghai'],
  ],
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_SHA256,
  },
  accessKeyId: 'YourAccessKeyId',
  secret: 'YourAccessKeySecret',
  signedHeaders: 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
  hashedCanonicalRequest: '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
  signature: '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
};

export const POLICY =
  '{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["203.0.113.1","198.51.100.0/24"]}]}';

const sdkHeaders = {
  host: '127.0.0.1:8080',
  'x-acs-version': '2019-08-15',
  'x-acs-action': 'SetAccessKeyPolicy',
  'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
  'x-acs-date': '2026-01-01T00:00:00Z',
  'x-acs-signature-nonce': '0123456789abcdef0123456789abcdef',
  accept: 'application/json',
  'x-acs-content-sha256': EMPTY_SHA256,
};

const sdkQuery: readonly Param[] = [
  ['UserAccessKeyId', 'LTAI5tExampleTarget'],
  ['AccessKeyPolicy', POLICY],
];

export const V3_2: Acs3Vector = {
  method: 'POST',
  path: '/',
  query: sdkQuery,
  headers: sdkHeaders,
  accessKeyId: 'LTAI5tExampleCaller',
  secret: 'ExampleSecret123',
  signedHeaders: 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
  hashedCanonicalRequest: '88ec7e48747e6fc6a1c9a892526a64a742c8c51472049def9d2fc5918a712044',
  signature: 'cf1152b767afa2381066911190136304ed7de58cf669bc7ebaf7ecab1dda2912',
};

export const V3_3: Acs3Vector = {
  ...V3_2,
  headers: { ...sdkHeaders, 'x-acs-credentials-provider': 'static_ak' },
  signedHeaders:
    'host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version',
  hashedCanonicalRequest: undefined,
  signature: '4ea5801425cf8bfa048dede851780b0021ef722f73f61b9e63bc9ca248248935',
};

export const V3_4: Acs3Vector = {
  ...V3_2,
  headers: {
    ...sdkHeaders,
    'x-acs-accesskey-id': 'STS.NExampleTmp',
    'x-acs-security-token': 'CAISExampleToken',
  },
  accessKeyId: 'STS.NExampleTmp',
  secret: 'TmpSecret456',
  signedHeaders:
    'host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;' +
    'x-acs-signature-nonce;x-acs-version',
  hashedCanonicalRequest: undefined,
  signature: '024102539f117f721de12979b5838be8b9d88c1c5673f069577fc6377794041f',
};

export const V3_VECTORS = { 'V3-1': V3_1, 'V3-2': V3_2, 'V3-3': V3_3, 'V3-4 (STS)': V3_4 } as const;

export interface RpcVector {
  readonly method: string;
  readonly params: readonly Param[];
  readonly secret: string;
  readonly canonicalized?: string;
  readonly stringToSign?: string;
  readonly signature: string;
}

const v2_1Params: readonly Param[] = [
  ['AccessKeyId', 'testid'],
  ['Action', 'DescribeDedicatedHosts'],
  ['Format', 'JSON'],
  ['RegionId', 'cn-beijing'],
  ['SignatureMethod', 'HMAC-SHA1'],
  ['SignatureNonce', 'edb2b34af0af9a6d14deaf7c1a5315eb'],
  ['SignatureVersion', '1.0'],
  ['Timestamp', '2023-03-13T08:34:30Z'],
  ['Version', '2014-05-26'],
];

/** Alibaba's worked example of the RPC document. */
export const V2_1_GET: RpcVector = {
  method: 'GET',
  params: v2_1Params,
  secret: 'testsecret',
  canonicalized:
    'AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing&SignatureMethod=HMAC-SHA1' +
    '&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z' +
    '&Version=2014-05-26',
  stringToSign:
    'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing' +
    '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion' +
    '%3D1.0%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26',
  signature: '9NaGiOspFP5UPcwX8Iwt2YJXXuk=',
};

export const V2_1_POST: RpcVector = {
  ...V2_1_GET,
  method: 'POST',
  stringToSign: `POST${V2_1_GET.stringToSign!.slice('GET'.length)}`,
  signature: 'ZvQ9xGiFnquSJRvj+WE6kdSpTwU=',
};

const v2_2Params = (accessKeyId: string): Param[] => [
  ['Action', 'GetAccessKeyPolicy'],
  ['Format', 'json'],
  ['Version', '2019-08-15'],
  ['Timestamp', '2026-01-01T00:00:00Z'],
  ['SignatureNonce', 'nonce-0001'],
  ['UserAccessKeyId', 'LTAI5tExampleTarget'],
  ['UserPrincipalName', 'alice@1234567890123456.onaliyun.com'],
  ['SignatureMethod', 'HMAC-SHA1'],
  ['SignatureVersion', '1.0'],
  ['AccessKeyId', accessKeyId],
];

export const V2_2: RpcVector = {
  method: 'POST',
  params: v2_2Params('LTAI5tExampleCaller'),
  secret: 'ExampleSecret123',
  canonicalized:
    'AccessKeyId=LTAI5tExampleCaller&Action=GetAccessKeyPolicy&Format=json&SignatureMethod=HMAC-SHA1' +
    '&SignatureNonce=nonce-0001&SignatureVersion=1.0&Timestamp=2026-01-01T00%3A00%3A00Z' +
    '&UserAccessKeyId=LTAI5tExampleTarget&UserPrincipalName=alice%401234567890123456.onaliyun.com' +
    '&Version=2019-08-15',
  signature: 'v4QqdD2IIzYRLtO2yYCWNzvReZ4=',
};

export const V2_3: RpcVector = {
  method: 'POST',
  params: [
    ...v2_2Params('STS.NExampleTmp').slice(0, -3),
    ['SecurityToken', 'CAISExampleToken'],
    ...v2_2Params('STS.NExampleTmp').slice(-3),
  ],
  secret: 'TmpSecret456',
  signature: 'MeyxUvnp2atGLtsTe3QYET+DWXE=',
};

export const V2_VECTORS = {
  'V2-1 GET': V2_1_GET,
  'V2-1 POST': V2_1_POST,
  'V2-2': V2_2,
  'V2-3 (STS)': V2_3,
} as const;
