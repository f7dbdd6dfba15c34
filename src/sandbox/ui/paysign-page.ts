// The paysign page of the simulated payer (issue 21): paste the JSAPI or APP parameters a front end hands the WeChat
// client (the `invoke` object `wxpay prepay jsapi|app --json` prints), and the page runs the client's checks
// (paysign-check.ts), lists what is wrong field by field, and, when all pass, offers Pay for that order.
import type { PaysignResult } from '../paysign-check.js';
import { payPagePath } from './pay-page.js';
import { html, type SafeHtml } from './html.js';
import { yuan } from './format.js';

export const PAYSIGN_PATH = '/sandbox/ui/paysign';

const EXAMPLE = `{"appId":"wx…","timeStamp":"1722850421","nonceStr":"…","package":"prepay_id=wx…","signType":"RSA","paySign":"…"}`;

/** The pasted text as the string fields of a JSON object, or why it is not one. */
export function parsePasted(text: string): Record<string, string> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Paste the parameters as one JSON object, as the front end passes them to the WeChat client.';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'The parameters must be a JSON object.';
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') fields[k] = v;
  return fields;
}

function form(pasted: string): SafeHtml {
  return html`<form method="post" action="${PAYSIGN_PATH}">
    <label
      >JSAPI (getBrandWCPayRequest / wx.requestPayment) or APP (PayReq) parameters, as JSON
      <textarea name="params" id="params" rows="8" required placeholder="${EXAMPLE}">${pasted}</textarea>
    </label>
    <button type="submit" id="check">Check</button>
  </form>`;
}

function verdict(result: PaysignResult): SafeHtml {
  if (result.problems.length)
    return html`<div id="problems" role="alert" class="card">
      <p class="bad">The WeChat client would refuse these ${result.kind.toUpperCase()} parameters:</p>
      <ul>
        ${result.problems.map((p) => html`<li data-field="${p.field}"><strong>${p.field}</strong>: ${p.message}</li>`)}
      </ul>
    </div>`;
  const order = result.order!;
  return html`<div id="verdict" role="status" class="card">
    <p class="ok">All checks pass: signature, appid and prepay_id, as the WeChat client checks them.</p>
    <p>${order.description}, ${yuan(order.total, order.currency)} (order ${order.outTradeNo})</p>
    ${
      order.payToken
        ? html`<form method="post" action="${payPagePath(order.payToken)}/pay">
            <button type="submit" id="pay">Pay</button>
          </form>`
        : html`<p class="note">This order predates payer pages: pay it with wxpay sandbox pay.</p>`
    }
  </div>`;
}

export function paysignBody(pasted = '', result?: PaysignResult | string): SafeHtml {
  const outcome =
    result === undefined
      ? ''
      : typeof result === 'string'
        ? html`<p id="problems" role="alert" class="card bad">${result}</p>`
        : verdict(result);
  return html`${outcome}${form(pasted)}
    <p class="note">
      The signature is checked with the public key of the sandbox merchant's certificate; no key is shown here.
    </p>`;
}
