import type { FunctionComponent } from 'preact';
import type { AdminCaller } from './api/api-client.js';
import { ActivityPage } from './pages/activity-page.js';
import { CostsPage } from './pages/costs-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ProvidersPage } from './pages/providers-page.js';
import { RolloutsPage } from './pages/rollouts-page.js';
import { TenancyPage } from './pages/tenancy-page.js';
import { TenantKeysPage } from './pages/tenant-keys-page.js';
import { UsagePage } from './pages/usage-page.js';

export interface PageEntry {
  path: string;
  title: string;
  matches: (path: string) => boolean;
  component: FunctionComponent<{ path: string }>;
  /** The key scope the page's API needs (`read` for /v1/generations); none: the admin scope. */
  scope?: 'read';
}

const under = (prefix: string) => (path: string) =>
  path === prefix || path.startsWith(`${prefix}/`);

const jobs: PageEntry = {
  path: '/jobs',
  title: 'Jobs',
  matches: under('/jobs'),
  component: JobsPage,
  scope: 'read',
};

/** The operator's navigation, in the order operators reach for the pages. */
const operatorPages: PageEntry[] = [
  { path: '/', title: 'Overview', matches: (path) => path === '/', component: OverviewPage },
  {
    path: '/providers',
    title: 'Providers',
    matches: under('/providers'),
    component: ProvidersPage,
  },
  { path: '/rollouts', title: 'Rollouts', matches: under('/rollouts'), component: RolloutsPage },
  jobs,
  { path: '/costs', title: 'Costs', matches: under('/costs'), component: CostsPage },
  { path: '/activity', title: 'Audit', matches: under('/activity'), component: ActivityPage },
  { path: '/tenancy', title: 'Tenants', matches: under('/tenancy'), component: TenancyPage },
];

/**
 * A tenant admin's: what its key may call (its jobs through /v1, its usage, its keys). The
 * operator's pages are not offered at all; the gateway refuses their APIs to this key anyway.
 */
const tenantAdminPages: PageEntry[] = [
  jobs,
  { path: '/usage', title: 'Usage', matches: under('/usage'), component: UsagePage },
  { path: '/keys', title: 'Keys', matches: under('/keys'), component: TenantKeysPage },
];

function rolePages(caller: AdminCaller): PageEntry[] {
  return caller.role === 'tenant_admin' ? tenantAdminPages : operatorPages;
}

function allowed(caller: AdminCaller, page: PageEntry): boolean {
  return page.scope === undefined || caller.scopes.includes(page.scope);
}

/**
 * The pages a caller may open (its role's, less those whose scope its key lacks); the first is
 * where an unknown path lands.
 */
export function pagesFor(caller: AdminCaller): PageEntry[] {
  return rolePages(caller).filter((page) => allowed(caller, page));
}

/**
 * The page of the caller's role at `path` that its key lacks the scope for (a bookmark of
 * Jobs, opened with a key without `read`): the shell says so instead of showing another page.
 */
export function pageLackingScope(caller: AdminCaller, path: string): PageEntry | undefined {
  return rolePages(caller).find((page) => page.matches(path) && !allowed(caller, page));
}
