// The Transfers page: every merchant transfer; one waiting for the payee (WAIT_USER_CONFIRM) gets the payee's two
// buttons, Confirm (→ TRANSFERING → SUCCESS) and Refuse (→ FAIL), as on WeChat's confirm page.
import type { SandboxContext } from '../context.js';
import type { TransferRecord } from '../transfer-types.js';
import { stateBadge, table, when, yuan } from './format.js';
import { html, type SafeHtml } from './html.js';
import { UI_BASE } from './layout.js';

function payeeButtons(t: TransferRecord): SafeHtml | string {
  if (t.state !== 'WAIT_USER_CONFIRM') return '';
  const at = `${UI_BASE}/transfers/${encodeURIComponent(t.outBillNo)}`;
  return html`<div class="row">
    <form method="post" action="${at}/confirm">
      <button type="submit" aria-label="Confirm transfer ${t.outBillNo}">Confirm</button>
    </form>
    <form method="post" action="${at}/refuse">
      <button type="submit" class="danger" aria-label="Refuse transfer ${t.outBillNo}">Refuse</button>
    </form>
  </div>`;
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
    <td>${payeeButtons(t)}</td>
  </tr>`;

export function transfersBody(ctx: SandboxContext): SafeHtml {
  const list = [...ctx.state.transfers.values()].sort((a, b) => b.createTime - a.createTime);
  const head = ['out_bill_no', 'State', 'Amount', 'Payee openid', 'Remark', 'Fail reason', 'Created', 'Payee'];
  return html`<p class="note">
      A transfer that needs the payee's confirmation waits in WAIT_USER_CONFIRM until the payee answers on WeChat's
      confirm page; here you are that payee.
    </p>
    ${table('transfers', 'Transfers', head, list.map(transferRow))}`;
}
