// The Transfers page: every merchant transfer; one waiting for the payee (WAIT_USER_CONFIRM) gets the payee's two
// buttons, Confirm (→ TRANSFERING → SUCCESS) and Refuse (→ FAIL), as on WeChat's confirm page.
import type { SandboxContext } from '../context.js';
import type { TransferRecord } from '../transfer-types.js';
import { stateBadge, table, when, yuan } from './format.js';
import { html, type SafeHtml } from './html.js';
import { UI_BASE } from './layout.js';

/** A transfer waiting for the payee, as a card with the payee's buttons (above the table, so a phone shows them). */
function waitingCard(t: TransferRecord): SafeHtml {
  const at = `${UI_BASE}/transfers/${encodeURIComponent(t.outBillNo)}`;
  return html`<article class="card" aria-label="Transfer ${t.outBillNo}">
    <dl>
      <dt>out_bill_no</dt>
      <dd>${t.outBillNo}</dd>
      <dt>Amount</dt>
      <dd>${yuan(t.amount)}</dd>
      <dt>Remark</dt>
      <dd>${t.remark}</dd>
      <dt>Payee</dt>
      <dd>${t.openid}</dd>
    </dl>
    <div class="row">
      <form method="post" action="${at}/confirm">
        <button type="submit" aria-label="Confirm transfer ${t.outBillNo}">Confirm</button>
      </form>
      <form method="post" action="${at}/refuse">
        <button type="submit" class="danger" aria-label="Refuse transfer ${t.outBillNo}">Refuse</button>
      </form>
    </div>
  </article>`;
}

const transferRow = (t: TransferRecord): SafeHtml =>
  html`<tr id="t-${t.outBillNo}">
    <td>${t.outBillNo}</td>
    <td>${stateBadge(t.state)}</td>
    <td>${yuan(t.amount)}</td>
    <td>${t.openid}</td>
    <td class="wrap">${t.remark}</td>
    <td>${t.failReason ?? ''}</td>
    <td>${when(t.createTime)}</td>
  </tr>`;

export function transfersBody(ctx: SandboxContext): SafeHtml {
  const list = [...ctx.state.transfers.values()].sort((a, b) => b.createTime - a.createTime);
  const waiting = list.filter((t) => t.state === 'WAIT_USER_CONFIRM');
  const head = ['out_bill_no', 'State', 'Amount', 'Payee openid', 'Remark', 'Fail reason', 'Created'];
  return html`<h2>Waiting for the payee</h2>
    <p class="note">
      A transfer that needs the payee's confirmation waits in WAIT_USER_CONFIRM until the payee answers on WeChat's
      confirm page; here you are that payee.
    </p>
    <div id="waiting" data-live>${waiting.length ? waiting.map(waitingCard) : html`<p>None waiting.</p>`}</div>
    <h2>All transfers</h2>
    ${table('transfers', 'Transfers', head, list.map(transferRow))}`;
}
