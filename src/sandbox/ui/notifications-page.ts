// The Notifications page (and the order page's part of it): each notification with every attempt and the receiver's
// answer, where it stands in WeChat Pay's retry schedule, when the next attempt is due, and a "Re-send now" button.
import type { SandboxContext } from '../context.js';
import { RETRY_SCHEDULE_SECONDS, type DeliveryRecord, type NotificationAttempt } from '../notifier.js';
import { stateBadge, table, when } from './format.js';
import { html, type SafeHtml } from './html.js';
import { UI_BASE } from './layout.js';
import { orderHref } from './orders-page.js';

/** A delay as people say it: 250 ms, 15 s, 3 min, 6 h. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(2)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)} min`;
  return `${+(ms / 3_600_000).toFixed(2)} h`;
}

export const deliveryStatus = (d: DeliveryRecord): string =>
  d.delivered ? 'delivered' : d.gaveUp ? 'gave up' : d.attempts.length ? 'retrying' : 'sending';

function attemptResult(a: NotificationAttempt): string {
  if (a.fault === 'drop') return 'dropped (fault)';
  if (a.error !== undefined) return `no answer: ${a.error}`;
  if (a.status === undefined) return 'in flight';
  return `HTTP ${a.status}${a.answer ? ` ${a.answer}` : ''}`;
}

const attemptRow = (a: NotificationAttempt): SafeHtml =>
  html`<tr>
    <td>${a.attempt}</td>
    <td>${when(a.atMs)}</td>
    <td>${a.scheduledDelayMs ? duration(a.scheduledDelayMs) : 'at once'}</td>
    <td class="wrap">${attemptResult(a)}</td>
    <td>${a.fault ?? ''}</td>
  </tr>`;

function refLinks(d: DeliveryRecord): SafeHtml {
  return html`${d.outTradeNo ? html`order <a href="${orderHref(d.outTradeNo)}">${d.outTradeNo}</a> ` : ''}${d.outRefundNo ? `refund ${d.outRefundNo} ` : ''}${d.outBillNo ? `transfer ${d.outBillNo} ` : ''}${d.complaintId ? `complaint ${d.complaintId}` : ''}`;
}

function deliveryCard(ctx: SandboxContext, d: DeliveryRecord, back: string): SafeHtml {
  const next = ctx.notifier.nextAttemptAt(d);
  const resend = d.delivered
    ? ''
    : html`<form method="post" action="${UI_BASE}/notifications/${d.id}/resend">
        <input type="hidden" name="back" value="${back}" />
        <button type="submit">Re-send now</button>
      </form>`;
  return html`<article class="card" id="n-${d.id}" aria-label="Notification ${d.eventType}">
    <h3>${d.eventType} ${stateBadge(deliveryStatus(d))}</h3>
    <dl>
      <dt>To</dt>
      <dd>${d.url}</dd>
      <dt>For</dt>
      <dd>${refLinks(d)}</dd>
      <dt>Id</dt>
      <dd>${d.id}</dd>
      <dt>Next attempt</dt>
      <dd>${next === undefined ? 'none booked' : `${when(next)} (attempt ${d.attempts.length + 1})`}</dd>
    </dl>
    ${table(`attempts-${d.id}`, `Attempts of ${d.eventType}`, ['#', 'At', 'Waited', 'Receiver answered', 'Fault'], d.attempts.map(attemptRow))}
    ${resend}
  </article>`;
}

/** The notifications, newest first, as live cards (the order page passes its own); a re-send comes `back` here. */
export function deliveriesList(ctx: SandboxContext, list: readonly DeliveryRecord[], back: string): SafeHtml {
  const cards = [...list].reverse().map((d) => deliveryCard(ctx, d, back));
  return html`<div id="deliveries" data-live>${cards.length ? cards : html`<p>No notifications yet.</p>`}</div>`;
}

export function scheduleNote(ctx: SandboxContext): SafeHtml {
  const steps = RETRY_SCHEDULE_SECONDS.map((s) => duration((s * 1000) / ctx.timeScale)).join(', ');
  return html`<p class="note" id="schedule" data-live>
    Retry schedule (WeChat Pay's, divided by the time scale ${ctx.timeScale}): at once, then ${steps}; a 200 or 204
    answer ends it. <a href="${UI_BASE}/clock">Change the time scale</a>.
  </p>`;
}

export function notificationsBody(ctx: SandboxContext): SafeHtml {
  return html`${scheduleNote(ctx)}${deliveriesList(ctx, ctx.notifier.deliveries, `${UI_BASE}/notifications`)}`;
}
