import type { FunctionComponent } from 'preact';
import { OverviewPage } from './pages/overview-page.js';
import { ProvidersPage } from './pages/providers-page.js';

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
];
