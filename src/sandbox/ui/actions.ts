// The dashboard's buttons: form POSTs under /sandbox/ui that call the same functions as the /sandbox control API
// (admin-ops.ts, transfers.ts, the notifier), then send the browser back to the page (Post/Redirect/Get). A refusal
// by the sandbox (a transfer no longer waiting, a bad fault) is shown as a page with its message.
import { addFault, clearFaults, rotatePlatformKey, setClockOffset, setTimeScale } from '../admin-ops.js';
import { SandboxApiError, resourceNotExists } from '../api-error.js';
import type { SandboxContext } from '../context.js';
import type { RouteDef } from '../router.js';
import { REFUSED_REASON } from '../routes/transfer-admin.js';
import { transferNotFound } from '../transfer-rules.js';
import { confirmTransfer, refuseTransfer } from '../transfers.js';
import { faultFromForm } from './faults-page.js';
import { html } from './html.js';
import { formOf, htmlResult, page, seeOther, UI_BASE } from './layout.js';

/** Where to go after the action: the form's `back` when it is a dashboard page (never another site), else `home`. */
function backTo(form: URLSearchParams, home: string): string {
  const back = form.get('back') ?? '';
  return /^\/sandbox\/ui\/[A-Za-z0-9/_.%?=&*-]*$/.test(back) && !back.includes('//') ? back : `${UI_BASE}/${home}`;
}

type Act = (ctx: SandboxContext, form: URLSearchParams, params: Record<string, string>) => unknown;

function action(path: string, home: string, act: Act): RouteDef {
  return {
    method: 'POST',
    path: `${UI_BASE}${path}`,
    auth: 'ui',
    handle: async (req, ctx) => {
      const form = formOf(req);
      const back = backTo(form, home);
      try {
        await act(ctx, form, req.params);
        return seeOther(back);
      } catch (err) {
        if (!(err instanceof SandboxApiError)) throw err;
        const body = html`<p role="alert">${err.code}: ${err.message}</p>
          <p><a href="${back}">Back</a></p>`;
        return htmlResult(page({ title: 'Not done', nav: 'none', body }), err.status);
      }
    },
  };
}

const numberField = (form: URLSearchParams, name: string): number => Number(form.get(name)?.trim() || NaN);

function transferOf(ctx: SandboxContext, params: Record<string, string>) {
  const t = ctx.state.transferByOutBillNo(params.out_bill_no!);
  if (!t) throw transferNotFound();
  return t;
}

export const uiActions: RouteDef[] = [
  action('/notifications/{id}/resend', 'notifications', async (ctx, _form, params) => {
    const record = ctx.notifier.deliveries.find((d) => d.id === params.id);
    if (!record) throw resourceNotExists('没有这条通知');
    await ctx.notifier.resend(record);
  }),
  action('/transfers/{out_bill_no}/confirm', 'transfers', (ctx, _f, params) =>
    confirmTransfer(ctx, transferOf(ctx, params)),
  ),
  action('/transfers/{out_bill_no}/refuse', 'transfers', (ctx, _f, params) =>
    refuseTransfer(ctx, transferOf(ctx, params), REFUSED_REASON),
  ),
  action('/faults', 'faults', (ctx, form) => addFault(ctx, faultFromForm(form))),
  action('/faults/clear', 'faults', (ctx) => clearFaults(ctx)),
  action('/keys/rotate', 'keys', (ctx) => rotatePlatformKey(ctx)),
  action('/clock', 'clock', (ctx, form) => setClockOffset(ctx, numberField(form, 'offsetSeconds'))),
  action('/clock/time-scale', 'clock', (ctx, form) => setTimeScale(ctx, numberField(form, 'timeScale'))),
];
