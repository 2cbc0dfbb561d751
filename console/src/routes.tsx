import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

/** Where the left navigation puts a page: RAM first, then ActionTrail, then KeyFence's own pages. */
export type NavGroup = 'RAM' | 'ActionTrail' | 'KeyFence' | 'avatar' | 'hidden';

export interface ConsoleRoute {
  /** Relative to /console/; '' is the Overview. */
  readonly path: string;
  readonly label: string;
  readonly group: NavGroup;
  /** The action the caller must be allowed (`root` = root sessions only; null = any signed-in caller). */
  readonly needs: string | 'root' | null;
  /** The part of docs/console.md the page's "?" links to. */
  readonly help: string;
  readonly page: LazyExoticComponent<ComponentType>;
}

/** Every page is its own chunk, so the first load carries only the shell. */
export const ROUTES: readonly ConsoleRoute[] = [
  {
    path: '',
    label: 'Overview',
    group: 'RAM',
    needs: null,
    help: 'overview',
    page: lazy(() => import('./pages/overview/overview-page')),
  },
  {
    path: 'users',
    label: 'Users',
    group: 'RAM',
    needs: 'ram:ListUsers',
    help: 'users',
    page: lazy(() => import('./pages/users/users-page')),
  },
  {
    path: 'users/:name',
    label: 'User',
    group: 'hidden',
    needs: 'ram:GetUser',
    help: 'users',
    page: lazy(() => import('./pages/users/user-page')),
  },
  {
    path: 'roles',
    label: 'Roles',
    group: 'RAM',
    needs: 'ram:GetRole',
    help: 'roles',
    page: lazy(() => import('./pages/roles/roles-page')),
  },
  {
    path: 'settings',
    label: 'Settings',
    group: 'RAM',
    needs: 'ram:GetSecurityPreference',
    help: 'settings',
    page: lazy(() => import('./pages/settings/settings-page')),
  },
  {
    path: 'root-access-keys',
    label: 'AccessKey Management',
    group: 'avatar',
    needs: 'root',
    help: 'root-accesskey-management',
    page: lazy(() => import('./pages/root-access-keys/root-access-keys-page')),
  },
  {
    path: 'actiontrail/events',
    label: 'Event Query',
    group: 'ActionTrail',
    needs: 'actiontrail:LookupEvents',
    help: 'event-query',
    page: lazy(() => import('./pages/actiontrail/event-query-page')),
  },
  {
    path: 'actiontrail/accesskey-audit',
    label: 'AccessKey Audit',
    group: 'ActionTrail',
    needs: 'actiontrail:LookupEvents',
    help: 'accesskey-audit',
    page: lazy(() => import('./pages/actiontrail/accesskey-audit-page')),
  },
  {
    path: 'check',
    label: 'Check an IP',
    group: 'KeyFence',
    needs: 'ram:GetAccessKeyPolicy',
    help: 'check-an-ip',
    page: lazy(() => import('./pages/check/check-page')),
  },
  {
    path: 'recommend',
    label: 'Recommend an allowlist',
    group: 'KeyFence',
    needs: 'keyfence:RecommendAccessKeyPolicy',
    help: 'recommend-an-allowlist',
    page: lazy(() => import('./pages/recommend/recommend-page')),
  },
  {
    path: 'propagation',
    label: 'Propagation',
    group: 'KeyFence',
    needs: 'ram:GetPolicyVersionStatus',
    help: 'propagation',
    page: lazy(() => import('./pages/propagation/propagation-page')),
  },
  {
    path: 'history',
    label: 'Policy history',
    group: 'KeyFence',
    needs: 'keyfence:ListAccessKeyPolicyHistory',
    help: 'policy-history',
    page: lazy(() => import('./pages/history/history-page')),
  },
];
