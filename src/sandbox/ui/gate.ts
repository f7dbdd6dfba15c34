// Who may use the sandbox's browser pages. The /sandbox control API is protected by its JSON-only rule, but HTML
// forms post form-urlencoded, so the pages need their own guard (the Host check of web-guard.ts runs first for all):
// - `ui` (the dashboard): a per-process random token. `sandbox serve` prints /sandbox/ui?token=…; that first visit
//   sets an HttpOnly, SameSite=Strict cookie for Path=/sandbox and redirects to the URL without the token, so the
//   token leaves the address bar and history. Every dashboard request (page, events, form POST) needs the cookie or
//   the token: none is 401, a wrong one 403. Another site cannot send the Strict cookie, and cannot read the token.
// - `page` (the simulated payer, reached by a phone that has no cookie): its own unguessable URL is the credential.
// Both: an Origin header, when present, must be this sandbox's own origin (a cross-site form or fetch is 403).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteDef, RouteResult } from '../router.js';
import { hostAllowed, type HostRule } from '../web-guard.js';
import { html } from './html.js';
import { htmlResult, page, seeOther } from './layout.js';

/** The token of one `sandbox serve` process (192 random bits, URL-safe). */
export const newUiToken = (): string => randomBytes(24).toString('base64url');

/** One cookie per port: two sandboxes on localhost share a cookie jar (cookies ignore ports). */
export const uiCookieName = (port: number): string => `wxpay_sandbox_ui_${port}`;

export interface GateRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** An Origin header names this sandbox when it is http://<the Host this request was sent to>, and that Host passes. */
export function originAllowed(headers: IncomingHttpHeaders, rule: HostRule): boolean {
  const origin = first(headers.origin);
  if (origin === undefined) return true;
  const host = first(headers.host);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) and anything malformed
  }
  return url.protocol === 'http:' && url.host === host?.toLowerCase() && hostAllowed(host, rule);
}

const refusal = (status: 401 | 403, title: string, why: string): RouteResult =>
  htmlResult(page({ title, nav: 'none', body: html`<p>${why}</p>` }), status);

/** The answer that stops a browser request (or redirects the token visit); undefined lets it through. */
export function gateBrowser(
  kind: RouteDef['auth'],
  req: GateRequest,
  rule: HostRule,
  token: string,
): RouteResult | undefined {
  if (kind === 'wechatpay' || kind === 'admin') return undefined;
  if (!originAllowed(req.headers, rule))
    return refusal(403, 'Refused', 'This request came from another site (its Origin is not this sandbox).');
  if (kind === 'page') return undefined;
  const name = uiCookieName(rule.port);
  const fromQuery = req.query.get('token') ?? undefined;
  if (fromQuery !== undefined) {
    if (!sameSecret(fromQuery, token))
      return refusal(403, 'Wrong token', 'This token is not the one `wxpay sandbox serve` printed for this process.');
    if (req.method !== 'GET') return undefined;
    const rest = new URLSearchParams(req.query);
    rest.delete('token');
    const location = `${req.path}${rest.size ? `?${rest.toString()}` : ''}`;
    return seeOther(location, { 'Set-Cookie': `${name}=${token}; HttpOnly; SameSite=Strict; Path=/sandbox` });
  }
  const cookie = cookieValue(first(req.headers.cookie), name);
  if (cookie === undefined)
    return refusal(
      401,
      'Open the link from sandbox serve',
      'Open the dashboard link that `wxpay sandbox serve` printed (it carries this process’s token).',
    );
  if (!sameSecret(cookie, token))
    return refusal(
      403,
      'Wrong token',
      'This browser holds the token of an earlier sandbox process: open the link that `wxpay sandbox serve` printed now.',
    );
  return undefined;
}
