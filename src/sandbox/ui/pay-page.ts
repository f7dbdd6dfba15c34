// The simulated payer's page, /sandbox/pay/<token> (issue 21): what a payer sees in the WeChat cashier (merchant,
// description, amount) and three buttons, each a plain form POST (no script: the page works on any phone). After an
// action the page shows its outcome; when an H5 app appended `redirect_url` to the h5_url, as it may in production
// (docs/protocol.md §6), the outcome offers the way back to the merchant's page.
import { PAY_PAGE_PREFIX } from '../pay-links.js';
import { FAIL_REASONS, type FailReason, type PayerView } from '../payer.js';
import { stateBadge, yuan } from './format.js';
import { html, type SafeHtml } from './html.js';

export type PayOutcome = 'paid' | 'failed' | 'cancelled';

export interface PayPageState {
  outcome?: PayOutcome | undefined;
  reason?: FailReason | undefined;
  /** An http(s) URL of the merchant's to return to; anything else was dropped. */
  redirectUrl?: string | undefined;
}

/** `redirect_url` as the page may link to it: http or https only (never javascript: and the like). */
export function safeRedirectUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export const payPagePath = (token: string): string => `${PAY_PAGE_PREFIX}${token}`;

/** Where an action's 303 leads: the page, with the outcome (and the merchant's redirect_url) in the query. */
export function outcomeLocation(token: string, state: PayPageState): string {
  const q = new URLSearchParams();
  if (state.outcome) q.set('outcome', state.outcome);
  if (state.reason) q.set('reason', state.reason);
  if (state.redirectUrl) q.set('redirect_url', state.redirectUrl);
  return `${payPagePath(token)}?${q.toString()}`;
}

function summary(view: PayerView): SafeHtml {
  const o = view.order;
  const merchant = o.subMchid ? `${o.mchid} (sub-merchant ${o.subMchid})` : o.mchid;
  const parts = view.orders.length > 1 ? view.orders.map((s) => `${s.description} (${yuan(s.total, s.currency)})`) : [];
  return html`<div class="card">
    <dl>
      <dt>Merchant</dt>
      <dd id="merchant">${merchant}</dd>
      <dt>Description</dt>
      <dd id="description">${view.orders.length > 1 ? parts.join('; ') : o.description}</dd>
      <dt>Amount</dt>
      <dd id="amount"><strong>${yuan(view.total, o.currency)}</strong></dd>
      <dt>Order</dt>
      <dd>${o.combine ? o.combine.outTradeNo : o.outTradeNo}</dd>
      <dt>State</dt>
      <dd id="trade-state">${stateBadge(view.state)}</dd>
    </dl>
  </div>`;
}

const OUTCOME_TEXT: Record<PayOutcome, string> = {
  paid: 'Paid. WeChat Pay sends the merchant its TRANSACTION.SUCCESS notification now.',
  failed: 'The payment failed. The order stays NOTPAY and nothing is sent; the payer may try again.',
  cancelled:
    'Payment cancelled. The order stays NOTPAY and nothing is sent to the merchant, who queries it, closes it, or lets it expire.',
};

function outcomeNote(state: PayPageState): SafeHtml {
  if (!state.outcome) return html``;
  const reason = state.outcome === 'failed' && state.reason ? ` Reason: ${FAIL_REASONS[state.reason]}.` : '';
  const back = state.redirectUrl ? html` <a id="back" href="${state.redirectUrl}">Back to the merchant</a>` : '';
  return html`<p id="outcome" role="status" class="card">${OUTCOME_TEXT[state.outcome]}${reason}${back}</p>`;
}

/** The three actions, for an order the payer can still pay. */
function actions(token: string, redirectUrl: string | undefined): SafeHtml {
  const base = payPagePath(token);
  const back = redirectUrl ? html`<input type="hidden" name="redirect_url" value="${redirectUrl}" />` : '';
  const reasons = Object.entries(FAIL_REASONS).map(([k, label]) => html`<option value="${k}">${label}</option>`);
  return html`<form method="post" action="${base}/pay">${back}<button type="submit" id="pay">Pay</button></form>
    <form method="post" action="${base}/fail" class="row">
      ${back}<label
        >Fail with the reason
        <select name="reason" id="fail-reason">
          ${reasons}
        </select></label
      >
      <button type="submit" id="fail" class="danger">Fail</button>
    </form>
    <form method="post" action="${base}/cancel">
      ${back}<button type="submit" id="cancel" class="secondary">Cancel</button>
    </form>`;
}

export function payPageBody(view: PayerView, state: PayPageState): SafeHtml {
  const open = view.state === 'NOTPAY';
  return html`${outcomeNote(state)}${summary(view)}
    ${
      open
        ? actions(view.token, state.redirectUrl)
        : html`<p class="note">This order is ${view.state}: there is nothing left to pay.</p>`
    }
    <p class="note">
      A simulated payer of the wxpay sandbox: no money moves. Pay does what POST /sandbox/orders/{no}/pay does.
    </p>`;
}
