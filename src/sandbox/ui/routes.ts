// The dashboard's routes under /sandbox/ui (auth 'ui': the token cookie and the Origin check of ui/gate.ts): the
// pages (GET), the live-update stream, and the buttons (actions.ts).
import type { SandboxContext } from '../context.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { uiActions } from './actions.js';
import { eventStream } from './events.js';
import { faultsBody } from './faults-page.js';
import { html, type SafeHtml } from './html.js';
import { htmlResult, page, seeOther, UI_BASE, type NavKey } from './layout.js';
import { notificationsBody } from './notifications-page.js';
import { orderBody } from './order-page.js';
import { ordersBody } from './orders-page.js';
import { clockBody, keysBody } from './settings-pages.js';
import { transfersBody } from './transfers-page.js';

function pageRoute(nav: NavKey, title: string, body: (ctx: SandboxContext, req: RouteRequest) => SafeHtml): RouteDef {
  return {
    method: 'GET',
    path: `${UI_BASE}/${nav}`,
    auth: 'ui',
    handle: (req, ctx) => htmlResult(page({ title, nav, live: true, body: body(ctx, req) })),
  };
}

export const uiRoutes: RouteDef[] = [
  { method: 'GET', path: UI_BASE, auth: 'ui', handle: () => seeOther(`${UI_BASE}/orders`) },
  pageRoute('orders', 'Orders', (ctx, req) => ordersBody(ctx, req.query)),
  pageRoute('notifications', 'Notifications', notificationsBody),
  pageRoute('transfers', 'Transfers', transfersBody),
  pageRoute('faults', 'Faults', faultsBody),
  pageRoute('keys', 'Keys', keysBody),
  pageRoute('clock', 'Clock', clockBody),
  {
    method: 'GET',
    path: `${UI_BASE}/orders/{out_trade_no}`,
    auth: 'ui',
    handle: (req, ctx) => {
      const no = req.params.out_trade_no!;
      const order = ctx.state.orderByOutTradeNo(no);
      if (!order) {
        const body = html`<p>No order ${no} in this sandbox.</p>
          <p><a href="${UI_BASE}/orders">All orders</a></p>`;
        return htmlResult(page({ title: 'Order not found', nav: 'orders', body }), 404);
      }
      return htmlResult(page({ title: `Order ${no}`, nav: 'orders', live: true, body: orderBody(ctx, order) }));
    },
  },
  { method: 'GET', path: `${UI_BASE}/events`, auth: 'ui', handle: (_req, ctx) => eventStream(ctx) },
  ...uiActions,
];
