// The dashboard's routes under /sandbox/ui (auth 'ui': the token cookie and the Origin check of ui/gate.ts). Pages
// are GETs; each action is a form POST that calls the same sandbox function as the /sandbox control API, then
// redirects back (Post/Redirect/Get).
import type { RouteDef } from '../router.js';
import { htmlResult, page, seeOther, UI_BASE } from './layout.js';
import { ordersBody } from './orders-page.js';

export const uiRoutes: RouteDef[] = [
  { method: 'GET', path: UI_BASE, auth: 'ui', handle: () => seeOther(`${UI_BASE}/orders`) },
  {
    method: 'GET',
    path: `${UI_BASE}/orders`,
    auth: 'ui',
    handle: (req, ctx) =>
      htmlResult(page({ title: 'Orders', nav: 'orders', live: true, body: ordersBody(ctx, req.query) })),
  },
];
