/** The pages and their paths (History API; the server has an SPA fallback). */

/** A page of the UI. */
export type Route = 'floor' | 'wallboard' | 'reports' | 'qa';

/** The route of a pathname: `/wallboard…` → wallboard, `/reports…` → reports, `/qa…` → qa, else floor. */
export function routeOf(pathname: string): Route {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/wallboard' || p.startsWith('/wallboard/')) return 'wallboard';
  if (p === '/reports' || p.startsWith('/reports/')) return 'reports';
  if (p === '/qa' || p.startsWith('/qa/')) return 'qa';
  return 'floor';
}

/** The pathname of a route. */
export function pathOf(route: Route): string {
  return route === 'floor' ? '/' : `/${route}`;
}
