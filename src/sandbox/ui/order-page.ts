// One order's page: its fields, its refunds, its profit sharing, and the notifications sent for it (and its refunds).
import type { SandboxContext } from '../context.js';
import { PAY_PAGE_PREFIX } from '../pay-links.js';
import type { OrderRecord } from '../state.js';
import { stateBadge, table, when, yuan } from './format.js';
import { html, type SafeHtml } from './html.js';
import { deliveriesList } from './notifications-page.js';
import { orderHref } from './orders-page.js';

function facts(o: OrderRecord): SafeHtml {
  const payPage =
    o.tradeState === 'NOTPAY' && o.payToken
      ? html`<dt>Payer page</dt>
          <dd><a href="${PAY_PAGE_PREFIX}${o.payToken}">open the simulated payer</a></dd>`
      : '';
  return html`<div class="card" id="order-facts" data-live>
    <dl>
      <dt>State</dt>
      <dd>${stateBadge(o.tradeState)}</dd>
      <dt>Amount</dt>
      <dd>${yuan(o.total, o.currency)}</dd>
      <dt>Kind</dt>
      <dd>${o.kind}${o.partner ? ' (partner)' : ''}</dd>
      <dt>mchid</dt>
      <dd>${o.mchid}${o.subMchid ? ` / ${o.subMchid}` : ''}</dd>
      <dt>appid</dt>
      <dd>${o.appid}</dd>
      <dt>Description</dt>
      <dd>${o.description}</dd>
      <dt>transaction_id</dt>
      <dd>${o.transactionId ?? ''}</dd>
      <dt>Payer</dt>
      <dd>${Object.values(o.payer ?? {}).join(' ')}</dd>
      <dt>Created</dt>
      <dd>${when(o.createTime)}</dd>
      <dt>Paid</dt>
      <dd>${when(o.successTime)}</dd>
      <dt>Closed</dt>
      <dd>${when(o.closeTime)}</dd>
      <dt>notify_url</dt>
      <dd>${o.notifyUrl}</dd>
      ${payPage}
    </dl>
  </div>`;
}

export function orderBody(ctx: SandboxContext, o: OrderRecord): SafeHtml {
  const refunds = ctx.state.refundsOf(o);
  const refundRows = refunds.map(
    (r) =>
      html`<tr>
        <td>${r.outRefundNo}</td>
        <td>${stateBadge(r.status)}</td>
        <td>${yuan(r.refund, r.currency)}</td>
        <td class="wrap">${r.reason ?? ''}</td>
        <td>${when(r.createTime)}</td>
        <td>${when(r.successTime)}</td>
      </tr>`,
  );
  const splits = o.transactionId ? ctx.state.profitSharing.splitsOf(o.transactionId) : [];
  const splitRows = splits.flatMap((s) =>
    s.lines.map(
      (l) =>
        html`<tr>
          <td>${s.outOrderNo}</td>
          <td>${stateBadge(s.state)}</td>
          <td>${l.type} ${l.account}</td>
          <td>${yuan(l.amount)}</td>
          <td>${stateBadge(l.result)}</td>
          <td>${when(s.createTime)}</td>
        </tr>`,
    ),
  );
  const refundNos = new Set(refunds.map((r) => r.outRefundNo));
  const notes = ctx.notifier.deliveries.filter(
    (d) => d.outTradeNo === o.outTradeNo || (d.outRefundNo !== undefined && refundNos.has(d.outRefundNo)),
  );
  return html`${facts(o)}
    <h2>Refunds</h2>
    ${table('refunds', 'Refunds', ['out_refund_no', 'Status', 'Amount', 'Reason', 'Created', 'Succeeded'], refundRows)}
    <h2>Profit sharing</h2>
    ${table('splits', 'Profit sharing', ['out_order_no', 'State', 'Receiver', 'Amount', 'Result', 'Created'], splitRows)}
    <h2>Notifications</h2>
    ${deliveriesList(ctx, notes, orderHref(o.outTradeNo))}`;
}
