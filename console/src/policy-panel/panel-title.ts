import type { PanelRequest } from './policy-scope';

/** The drawer's title, as the seed names the two panels. */
export const panelTitle = (request: PanelRequest): string =>
  request.scope.kind === 'account'
    ? 'Account-level Network Access Control'
    : `AccessKey-level Network Access Control — ${request.scope.accessKeyId}`;
