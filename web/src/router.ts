/** The pages and their paths (History API; the server has an SPA fallback for each). */

/** A page of the UI. */
export type Route = 'floor' | 'wallboard' | 'reports' | 'qa' | 'admin' | 'audit' | 'account';

const PATHS: Readonly<Record<Exclude<Route, 'floor'>, string>> = {
  wallboard: '/wallboard',
  reports: '/reports',
  qa: '/qa',
  admin: '/admin',
  audit: '/audit',
  account: '/account',
};

/**
 * The route of a pathname: `/wallboard…` → wallboard, `/reports…` → reports, `/qa…` → qa,
 * `/admin…` → admin,
 * `/audit…` → audit, `/account…` → account, else floor.
 */
export function routeOf(pathname: string): Route {
  const p = pathname.replace(/\/+$/, '');
  for (const [route, path] of Object.entries(PATHS) as [Route, string][]) {
    if (p === path || p.startsWith(`${path}/`)) return route;
  }
  return 'floor';
}

/** The pathname of a route. */
export function pathOf(route: Route): string {
  return route === 'floor' ? '/' : PATHS[route];
}
