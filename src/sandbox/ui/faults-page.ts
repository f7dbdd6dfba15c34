// The Faults page: the active faults (how often each fired), a form that adds one, and a button that clears them all.
// The form's fields are those of POST /sandbox/faults; the sandbox checks them the same way.
import type { SandboxContext } from '../context.js';
import { FAULT_KINDS, type Fault } from '../faults.js';
import { table } from './format.js';
import { html, type SafeHtml } from './html.js';
import { UI_BASE } from './layout.js';

const faultRow = (f: Fault): SafeHtml =>
  html`<tr>
    <td>${f.kind}</td>
    <td>${f.target}</td>
    <td>${f.path ?? 'every path'}</td>
    <td>${f.rate}</td>
    <td>${f.count ?? 'unlimited'}</td>
    <td>${f.fired}</td>
    <td>${f.delayMs ?? ''}</td>
  </tr>`;

const option = (value: string) => html`<option value="${value}">${value}</option>`;

/** A form's fields as the JSON fault POST /sandbox/faults takes (numbers as numbers, empty fields left out). */
export function faultFromForm(form: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['kind', 'target', 'path']) {
    const v = form.get(name)?.trim();
    if (v) out[name] = v;
  }
  for (const name of ['rate', 'count', 'delayMs']) {
    const v = form.get(name)?.trim();
    if (v) out[name] = Number(v);
  }
  return out;
}

export function faultsBody(ctx: SandboxContext): SafeHtml {
  const head = ['Kind', 'Target', 'Path prefix', 'Rate', 'Count', 'Fired', 'Delay ms'];
  return html`${table('faults', 'Active faults', head, ctx.faults.all().map(faultRow))}
    <form method="post" action="${UI_BASE}/faults/clear">
      <button type="submit" class="danger">Clear all faults</button>
    </form>
    <h2>Add a fault</h2>
    <form method="post" action="${UI_BASE}/faults" class="card">
      <div class="row">
        <label
          >Kind<select name="kind" required>
            ${FAULT_KINDS.map(option)}
          </select></label
        >
        <label
          >Target<select name="target">
            ${['responses', 'notifications', 'all'].map(option)}
          </select></label
        >
        <label>Path prefix<input name="path" placeholder="/v3/pay/ (empty: every path)" /></label>
        <label>Rate (0–1)<input name="rate" inputmode="decimal" placeholder="1" /></label>
        <label>Count<input name="count" inputmode="numeric" placeholder="unlimited" /></label>
        <label>Delay ms (slow)<input name="delayMs" inputmode="numeric" placeholder="3000" /></label>
        <button type="submit">Add fault</button>
      </div>
      <p class="note">
        A notification fault needs target "notifications" (drop needs it); a 500 on every answer breaks your app's next
        call at once.
      </p>
    </form>`;
}
