import { may } from '../../api/console-session';
import { useAction } from '../../api/use-action';
import { useSession } from '../../session/session-context';

interface LookupAnswer {
  readonly Events?: readonly {
    readonly eventTime?: string;
    readonly sourceIpAddress?: string;
    readonly userIdentity?: { readonly userName?: string | null };
  }[];
}

/** Who last set the account-level policy, when and from where (the audit log's default window). */
export interface LastChange {
  readonly by: string;
  readonly at: string;
  readonly from: string;
}

export const useLastPolicyChange = (): {
  readonly change: LastChange | undefined;
  readonly known: boolean;
  readonly reload: () => void;
} => {
  const session = useSession();
  const allowed = may(session, 'actiontrail:LookupEvents');
  const { data, reload } = useAction<LookupAnswer>(
    'Actiontrail',
    'LookupEvents',
    allowed
      ? {
          'LookupAttribute.1.Key': 'EventName',
          'LookupAttribute.1.Value': 'SetAccessKeyPolicyForAccount',
          'LookupAttribute.2.Key': 'Result',
          'LookupAttribute.2.Value': 'Success',
          MaxResults: '1',
        }
      : null,
  );
  const event = data?.Events?.[0];
  return {
    reload,
    known: allowed && data !== undefined,
    change:
      event === undefined
        ? undefined
        : {
            by: event.userIdentity?.userName ?? 'unknown',
            at: event.eventTime ?? '',
            from: event.sourceIpAddress ?? '',
          },
  };
};
