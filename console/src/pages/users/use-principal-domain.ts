import { useAction } from '../../api/use-action';
import { useSession } from '../../session/session-context';
import type { ListUsersAnswer } from './user-types';

const domainOf = (principalName: string): string => principalName.slice(principalName.lastIndexOf('@') + 1);

/**
 * The `<accountId>.<suffix>` of this account's principal names, which IMS actions take: the suffix
 * is the deployment's, so it is read from a principal name the server made (the caller's own, or
 * any user's), and only an account without users falls back to the default `onaliyun.com`.
 * Undefined while it is being found out.
 */
export const usePrincipalDomain = (): string | undefined => {
  const session = useSession();
  const own = session.Identity.Type === 'ram-user' ? domainOf(session.Identity.UserPrincipalName) : undefined;
  const { data, error } = useAction<ListUsersAnswer>(
    'Ims',
    'ListUsers',
    own === undefined ? { MaxItems: '1' } : null,
  );
  if (own !== undefined) return own;
  const first = data?.Users.User[0];
  if (first !== undefined) return domainOf(first.UserPrincipalName);
  return data !== undefined || error !== undefined ? `${session.AccountId}.onaliyun.com` : undefined;
};
