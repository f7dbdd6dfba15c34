// How the dashboard shows values: amounts in yuan with the fen, times in China time (as WeChat Pay states them),
// states with a colour class. One place, so every page agrees.
import { fenToYuan } from '../../bills/amount.js';
import { chinaDateTime } from '../../protocol/china-time.js';
import { html, type SafeHtml } from './html.js';

export const yuan = (fen: number, currency = 'CNY'): string => `${fenToYuan(fen)} ${currency}`;

export const when = (ms: number | undefined): string => (ms === undefined ? '' : chinaDateTime(ms));

const GOOD = new Set(['SUCCESS', 'delivered', 'ACCEPTED', 'FINISHED']);
const BAD = new Set(['CLOSED', 'REVOKED', 'FAIL', 'ABNORMAL', 'PAYERROR', 'gave up', 'CANCELLED']);

export function stateBadge(state: string): SafeHtml {
  const tone = GOOD.has(state) ? 'ok' : BAD.has(state) ? 'bad' : 'wait';
  return html`<span class="state ${tone}">${state}</span>`;
}

/** A table that scrolls sideways on a narrow screen; `id` makes it a live part (patched on change). */
export function table(id: string, caption: string, head: readonly string[], rows: readonly SafeHtml[]): SafeHtml {
  const body = rows.length
    ? rows
    : [
        html`<tr>
          <td colspan="${head.length}">None yet.</td>
        </tr>`,
      ];
  return html`<div class="scroll" id="${id}" data-live tabindex="0" role="region" aria-label="${caption}">
    <table>
      <caption class="note" hidden>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>
  </div>`;
}
