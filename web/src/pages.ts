import type { FunctionComponent } from 'preact';
import { ActivityPage } from './pages/activity-page.js';
import { CostsPage } from './pages/costs-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ProvidersPage } from './pages/providers-page.js';
import { RolloutsPage } from './pages/rollouts-page.js';
import { TenancyPage } from './pages/tenancy-page.js';

export interface PageEntry {
  path: string;
  title: string;
  matches: (path: string) => boolean;
  component: FunctionComponent<{ path: string }>;
}

const under = (prefix: string) => (path: string) =>
  path === prefix || path.startsWith(`${prefix}/`);

/** The navigation, in the order operators reach for the pages. */
export const pages: PageEntry[] = [
  { path: '/', title: 'Overview', matches: (path) => path === '/', component: OverviewPage },
  {
    path: '/providers',
    title: 'Providers',
    matches: under('/providers'),
    component: ProvidersPage,
  },
  { path: '/rollouts', title: 'Rollouts', matches: under('/rollouts'), component: RolloutsPage },
  { path: '/jobs', title: 'Jobs', matches: under('/jobs'), component: JobsPage },
  { path: '/costs', title: 'Costs', matches: under('/costs'), component: CostsPage },
  { path: '/activity', title: 'Audit', matches: under('/activity'), component: ActivityPage },
  { path: '/tenancy', title: 'Tenants', matches: under('/tenancy'), component: TenancyPage },
];
