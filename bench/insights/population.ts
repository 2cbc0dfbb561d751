/**
 * The insights benchmark's accounts, RAM users, AccessKeys and policies, made through the store's
 * own API (so the actions find them as they would in production), with each key's traffic profile.
 * Per account: 20 root keys and 40 RAM users with 2 keys each (the traffic's 100 keys), plus an
 * operator root key that only the benchmark's API calls use (its own policy lets it in from
 * 127.0.0.1). Two accounts in three have an Active account-level policy covering its public /16s and
 * VPCs; 5% of the other keys have an Active key-level policy of their exact sources.
 */

import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { AccessKeyId, AccountId, KeyFenceStore, UserName } from '../../src/store/index.js';
import type { AccessKeyPrincipal } from '../../src/store/queries/access-key-principals.js';
import { type AccountProfile, accountProfile, type KeyProfile, keyProfile, seededRandom } from './traffic.js';

export const ROOT_KEYS_PER_ACCOUNT = 20;
export const USERS_PER_ACCOUNT = 40;
export const KEYS_PER_USER = 2;
export const KEYS_PER_ACCOUNT = ROOT_KEYS_PER_ACCOUNT + USERS_PER_ACCOUNT * KEYS_PER_USER;
const KEY_POLICY_SHARE = 0.05;

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface SeededKey {
  readonly accessKeyId: AccessKeyId;
  readonly principal: AccessKeyPrincipal;
  readonly hasKeyPolicy: boolean;
}

export interface SeededAccount {
  readonly accountId: AccountId;
  readonly operator: Credentials;
  readonly hasAccountPolicy: boolean;
  readonly keys: readonly SeededKey[];
}

/** What the store holds: kept beside a reused database (INSIGHTS_BENCH_KEEP). */
export interface Population {
  readonly accounts: readonly SeededAccount[];
}

/** The profiles of `accounts` accounts' keys: the same for the same seed, whatever the store. */
export function profiles(seed: number, accounts: number): { account: AccountProfile; keys: KeyProfile[] }[] {
  const random = seededRandom(seed);
  return Array.from({ length: accounts }, (_, index) => {
    const account = accountProfile(random, index);
    return { account, keys: Array.from({ length: KEYS_PER_ACCOUNT }, () => keyProfile(random, account)) };
  });
}

function canonical(document: unknown) {
  const parsed = parsePolicy(JSON.stringify(document));
  if (!parsed.ok) throw new Error(`bench policy refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.canonical;
}

const classic = (ips: readonly string[]) => ({ Type: 'ClassicWhiteList', IPList: ips });

function accountPolicy(profile: AccountProfile) {
  return canonical({
    Version: 1,
    Status: 'Active',
    Statements: [
      classic(profile.publicPrefixes.map((prefix) => `${prefix}.0.0/16`)),
      ...profile.vpcIds.map((vpcId) => ({ Type: 'VPCWhiteList', Value: vpcId, IPList: ['10.0.0.0/8'] })),
    ],
  });
}

function keyPolicy(profile: KeyProfile) {
  const publicIps = profile.sources.filter((s) => s.vpcId === null).map((s) => s.ip);
  const vpcs = new Map<string, string[]>();
  for (const s of profile.sources)
    if (s.vpcId !== null) vpcs.set(s.vpcId, [...(vpcs.get(s.vpcId) ?? []), s.ip]);
  return canonical({
    Version: 1,
    Status: 'Active',
    Statements: [
      ...(publicIps.length > 0 ? [classic(publicIps)] : []),
      ...[...vpcs].map(([vpcId, ips]) => ({ Type: 'VPCWhiteList', Value: vpcId, IPList: ips })),
    ],
  });
}

/** Creates every account of `plan` in `store`, one transaction per account. */
export async function populate(
  store: KeyFenceStore,
  plan: readonly { account: AccountProfile; keys: KeyProfile[] }[],
  seed: number,
): Promise<Population> {
  const random = seededRandom(seed ^ 0x5eed);
  const accounts: SeededAccount[] = [];
  for (const [index, { account: profile, keys: keyProfiles }] of plan.entries()) {
    const hasAccountPolicy = index % 3 !== 2;
    accounts.push(
      await store.write(async (tx) => {
        const { accountId } = await tx.createAccount();
        const [operator] = await tx.createAccessKeys(
          accountId,
          [{ policy: canonical({ Version: 1, Status: 'Active', Statements: [classic(['127.0.0.1'])] }) }],
          { actor: 'bench' },
        );
        if (hasAccountPolicy) {
          await tx.setPolicy({ scope: 'account', accountId }, accountPolicy(profile), { actor: 'bench' });
        }
        const owners: (AccessKeyPrincipal & { userName?: UserName })[] = [];
        for (let k = 0; k < ROOT_KEYS_PER_ACCOUNT; k++) owners.push({ type: 'root-account', accountId });
        for (let u = 0; u < USERS_PER_ACCOUNT; u++) {
          const user = await tx.createUser(accountId, { userName: `user${u}` as UserName });
          for (let k = 0; k < KEYS_PER_USER; k++) {
            owners.push({ type: 'ram-user', accountId, userName: user.userName, userId: user.userId });
          }
        }
        const withPolicy = keyProfiles.map((p) => !p.noisy && random() < KEY_POLICY_SHARE);
        const created = await tx.createAccessKeys(
          accountId,
          owners.map((owner, k) => ({
            userName: owner.type === 'ram-user' ? owner.userName : null,
            ...(withPolicy[k] ? { policy: keyPolicy(keyProfiles[k]!) } : {}),
          })),
          { actor: 'bench' },
        );
        return {
          accountId,
          operator: { accessKeyId: operator!.accessKeyId, accessKeySecret: operator!.accessKeySecret },
          hasAccountPolicy,
          keys: created.map((key, k) => ({
            accessKeyId: key.accessKeyId,
            principal: owners[k]!,
            hasKeyPolicy: withPolicy[k]!,
          })),
        };
      }),
    );
  }
  return { accounts };
}
