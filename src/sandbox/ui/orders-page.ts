// The Orders page: every order, newest first, with its state, amount, payer and times; a GET search form filters by
// out_trade_no, transaction_id, description, state or payer.
import type { SandboxContext } from '../context.js';
import type { OrderRecord } from '../state.js';
import { stateBadge, table, when, yuan } from './format.js';
import { html, type SafeHtml } from './html.js';
import { UI_BASE } from './layout.js';

/** More than this many matches: the newest are shown and the page says so. */
export const ORDER_LIST_LIMIT = 200;

const payerOf = (o: OrderRecord): string => Object.values(o.payer ?? {}).join(' ');

export const orderHref = (outTradeNo: string): string => `${UI_BASE}/orders/${encodeURIComponent(outTradeNo)}`;

function matches(o: OrderRecord, q: string): boolean {
  const fields = [o.outTradeNo, o.transactionId ?? '', o.description, o.tradeState, payerOf(o), o.kind];
  return fields.some((f) => f.toLowerCase().includes(q));
}

function orderRow(o: OrderRecord): SafeHtml {
  return html`<tr>
    <td><a href="${orderHref(o.outTradeNo)}">${o.outTradeNo}</a></td>
    <td>${stateBadge(o.tradeState)}</td>
    <td>${yuan(o.total, o.currency)}</td>
    <td>${o.kind}</td>
    <td class="wrap">${payerOf(o)}</td>
    <td class="wrap">${o.description}</td>
    <td>${when(o.createTime)}</td>
    <td>${when(o.successTime ?? o.closeTime)}</td>
  </tr>`;
}

export function ordersBody(ctx: SandboxContext, query: URLSearchParams): SafeHtml {
  const q = (query.get('q') ?? '').trim();
  const all = [...ctx.state.orders.values()].filter((o) => q === '' || matches(o, q.toLowerCase()));
  all.sort((a, b) => b.createTime - a.createTime);
  const shown = all.slice(0, ORDER_LIST_LIMIT);
  const head = ['out_trade_no', 'State', 'Amount', 'Kind', 'Payer', 'Description', 'Created', 'Paid / closed'];
  return html`<form method="get" action="${UI_BASE}/orders" role="search" class="row">
      <label
        >Search orders<input type="search" name="q" value="${q}" placeholder="out_trade_no, state, payer…"
      /></label>
      <button type="submit">Search</button>${q ? html` <a href="${UI_BASE}/orders">Show all</a>` : ''}
    </form>
    <p class="note" id="order-count" data-live>
      ${all.length} order(s)${all.length > shown.length ? `, the newest ${shown.length} shown` : ''}.
    </p>
    ${table('orders', 'Orders', head, shown.map(orderRow))}`;
}
