// The simulated payer's routes (issue 21). /sandbox/pay/<token> (auth 'page': no dashboard token, since a phone
// that scanned the QR has none; the unguessable token in the URL is the credential, and ui/gate.ts refuses a foreign
// Origin) shows the order and takes the Pay / Fail / Cancel form POSTs, answering each with a 303 back to the page
// (Post/Redirect/Get). The paysign checker is a dashboard page (auth 'ui'). Errors are pages too, with their status.
import { SandboxApiError, paramError } from '../api-error.js';
import type { SandboxContext } from '../context.js';
import { PAY_PAGE_PREFIX } from '../pay-links.js';
import { isFailReason, payerCancel, payerFail, payerPay, payerView } from '../payer.js';
import { checkPaysign } from '../paysign-check.js';
import type { RouteDef, RouteResult } from '../router.js';
import { html } from './html.js';
import { formOf, htmlResult, page, seeOther } from './layout.js';
import { outcomeLocation, payPageBody, safeRedirectUrl, type PayOutcome } from './pay-page.js';
import { PAYSIGN_PATH, paysignBody, parsePasted } from './paysign-page.js';

const PAY_PATH = `${PAY_PAGE_PREFIX}{token}`;
const TITLE = 'WeChat Pay (sandbox payer)';

/** A refused action as a page, with the status the /sandbox API would answer. */
function asPage(run: () => RouteResult): RouteResult {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof SandboxApiError)) throw err;
    const body = html`<p id="error" role="alert" class="card bad">${err.message}</p>`;
    return htmlResult(page({ title: TITLE, nav: 'none', body }), err.status);
  }
}

type Act = (ctx: SandboxContext, token: string, fields: URLSearchParams) => PayOutcome;

const ACTIONS: Record<string, Act> = {
  pay: (ctx, token) => {
    payerPay(ctx, token);
    return 'paid';
  },
  fail: (ctx, token, fields) => {
    if (!isFailReason(fields.get('reason'))) throw paramError('reason must be one of the listed failure reasons');
    payerFail(ctx, token);
    return 'failed';
  },
  cancel: (ctx, token) => {
    payerCancel(ctx, token);
    return 'cancelled';
  },
};

const actionRoutes: RouteDef[] = Object.entries(ACTIONS).map(([name, act]) => ({
  method: 'POST',
  path: `${PAY_PATH}/${name}`,
  auth: 'page',
  handle: (req, ctx) =>
    asPage(() => {
      const token = req.params.token!;
      const fields = formOf(req);
      const outcome = act(ctx, token, fields);
      const reason = fields.get('reason');
      const redirectUrl = safeRedirectUrl(fields.get('redirect_url'));
      return seeOther(outcomeLocation(token, { outcome, ...(isFailReason(reason) ? { reason } : {}), redirectUrl }));
    }),
}));

export const payRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: PAY_PATH,
    auth: 'page',
    handle: (req, ctx) =>
      asPage(() => {
        const view = payerView(ctx, req.params.token!);
        const outcome = req.query.get('outcome');
        const reason = req.query.get('reason');
        const body = payPageBody(view, {
          ...(outcome === 'paid' || outcome === 'failed' || outcome === 'cancelled' ? { outcome } : {}),
          ...(isFailReason(reason) ? { reason } : {}),
          redirectUrl: safeRedirectUrl(req.query.get('redirect_url')),
        });
        return htmlResult(page({ title: TITLE, nav: 'none', body }));
      }),
  },
  ...actionRoutes,
  {
    method: 'GET',
    path: PAYSIGN_PATH,
    auth: 'ui',
    handle: () => htmlResult(page({ title: 'Check paysign parameters', nav: 'paysign', body: paysignBody() })),
  },
  {
    method: 'POST',
    path: PAYSIGN_PATH,
    auth: 'ui',
    handle: (req, ctx) => {
      const pasted = formOf(req).get('params') ?? '';
      const fields = parsePasted(pasted);
      const result = typeof fields === 'string' ? fields : checkPaysign(ctx, fields);
      const body = paysignBody(pasted, result);
      return htmlResult(page({ title: 'Check paysign parameters', nav: 'paysign', body }));
    },
  },
];
