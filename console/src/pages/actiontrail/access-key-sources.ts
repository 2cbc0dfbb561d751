import { callAction } from '../../api/console-client';

/** One entry of ListAccessKeySources' `Sources`: a (key, source address, VPC) over the window. */
export interface KeySource {
  readonly AccessKeyId: string;
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly AllowedCalls: number;
  readonly DeniedCalls: number;
  readonly FailedCalls: number;
  readonly FirstSeen: string;
  readonly LastSeen: string;
  readonly Services: readonly { readonly Service: string; readonly Calls: number }[];
  readonly CoveredByCurrentPolicy: boolean;
  readonly New: boolean;
}

interface SourcesPage {
  readonly StartTime: string;
  readonly EndTime: string;
  readonly TotalCount: number;
  readonly NextToken: string;
  readonly Sources: readonly KeySource[];
}

export interface SourcesListing {
  /** The window the server read, Alibaba times: its end is the server's now when none was given. */
  readonly startTime: string;
  readonly endTime: string;
  readonly sources: readonly KeySource[];
}

const PAGE = '100';

/** Every source of one key over a window, all pages; without a window, the server's default (30 days). */
export const listKeySources = async (
  accessKeyId: string,
  window: { readonly start?: string; readonly end?: string } = {},
): Promise<SourcesListing> => {
  const base = { AccessKeyId: accessKeyId, StartTime: window.start, EndTime: window.end, MaxResults: PAGE };
  const sources: KeySource[] = [];
  let token = '';
  let first: SourcesPage | undefined;
  do {
    const page: SourcesPage = await callAction<SourcesPage>('Keyfence', 'ListAccessKeySources', {
      ...base,
      // Later pages repeat the window the first page answered with, as NextToken requires.
      ...(first === undefined ? {} : { StartTime: first.StartTime, EndTime: first.EndTime }),
      NextToken: token === '' ? undefined : token,
    });
    first ??= page;
    sources.push(...page.Sources);
    token = page.NextToken;
  } while (token !== '');
  return { startTime: first.StartTime, endTime: first.EndTime, sources };
};

/** What identifies a source across listings: its address and VPC. */
export const sourceKey = (source: Pick<KeySource, 'SourceIp' | 'VpcId'>): string =>
  `${source.SourceIp}|${source.VpcId ?? ''}`;
