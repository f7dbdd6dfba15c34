// The page frame of the sandbox's browser pages: one stylesheet and one live-update script, both inline and both
// pinned in the Content-Security-Policy by their SHA-256, so nothing loads from elsewhere (the machine may be offline)
// and no other script can run even if some text slipped past the escaping. Mobile first: one column, tables scroll
// sideways inside their own box at 375 px, and every control is reachable with Tab and shows its focus.
import { createHash } from 'node:crypto';
import type { RouteResult } from '../router.js';
import { html, trusted, type SafeHtml } from './html.js';

export const UI_BASE = '/sandbox/ui';

/** The dashboard's pages, in menu order: [key, label]. */
export const NAV = [
  ['orders', 'Orders'],
  ['notifications', 'Notifications'],
  ['transfers', 'Transfers'],
  ['faults', 'Faults'],
  ['keys', 'Keys'],
  ['clock', 'Clock'],
  ['paysign', 'Paysign'],
] as const;
export type NavKey = (typeof NAV)[number][0];

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f23;background:#f6f7f9}
header{background:#1f6f43;color:#fff;padding:.5rem 1rem}
header a{color:#fff}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem .75rem;list-style:none;margin:.25rem 0 0;padding:0}
nav a{display:inline-block;padding:.35rem .25rem}
nav a[aria-current=page]{font-weight:700;text-decoration:underline 3px}
main{padding:1rem;max-width:72rem;margin:0 auto}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e5e8eb;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;overflow-wrap:anywhere;min-width:14rem}
form{margin:.5rem 0}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.9rem;gap:.15rem}
input,select,button{font:inherit;min-height:2.5rem;padding:.3rem .6rem;border:1px solid #8c959f;border-radius:6px}
button{background:#1f6f43;color:#fff;border-color:#1f6f43;cursor:pointer}
button.secondary{background:#fff;color:#1b1f23;border-color:#8c959f}
button.danger{background:#b42318;border-color:#b42318}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.state{font-weight:600}
.ok{color:#1a7f37}.bad{color:#b42318}.wait{color:#9a6700}
.note{color:#57606a;font-size:.9rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem;margin:.5rem 0;overflow-wrap:anywhere}
textarea{font:inherit;width:100%;padding:.3rem .6rem;border:1px solid #8c959f;border-radius:6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{color:#57606a}dd{margin:0;word-break:break-all}
@media (min-width:48rem){header{display:flex;align-items:center;gap:2rem}nav ul{margin:0}}
`;

// Patches every [data-live] element of the page with its fresh copy when the sandbox reports a change, so forms
// being filled in are left alone. One fetch at a time; a change during a fetch triggers one more.
const LIVE_JS = `(()=>{const es=new EventSource(${JSON.stringify(`${UI_BASE}/events`)});let busy=false,again=false;
const root=document.documentElement;es.onopen=()=>{root.dataset.live='connected'};
async function patch(){if(busy){again=true;return}busy=true;try{const r=await fetch(location.href);if(!r.ok)return;
const doc=new DOMParser().parseFromString(await r.text(),'text/html');for(const el of document.querySelectorAll('[data-live]')){
const fresh=doc.getElementById(el.id);if(fresh)el.replaceWith(fresh)}root.dataset.patched=String(Number(root.dataset.patched||0)+1)}
finally{busy=false;if(again){again=false;void patch()}}}es.addEventListener('change',()=>void patch())})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Pins the one stylesheet and the one script; forms may only post back to this sandbox. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(CSS)}`,
  `script-src ${sha256(LIVE_JS)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The dashboard menu entry to mark as current; 'none' for a page outside the dashboard (the simulated payer). */
  nav: NavKey | 'none';
  /** Load the live-update script (the page has [data-live] parts). */
  live?: boolean;
}

// Built by concatenation, not inside an `html` template: Prettier formats those, and these must stay byte-exact.
const STYLE = trusted(`<style>${CSS}</style>`);
const SCRIPT = trusted(`<script>${LIVE_JS}</script>`);

export function page(opts: PageOptions): SafeHtml {
  const menu =
    opts.nav === 'none'
      ? ''
      : html`<nav aria-label="Sandbox dashboard">
          <ul>
            ${NAV.map(([key, label]) => html`<li><a href="${UI_BASE}/${key}" ${opts.nav === key ? trusted('aria-current="page"') : ''}>${label}</a></li>`)}
          </ul>
        </nav>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${opts.title} · wxpay sandbox</title>
        ${STYLE}
      </head>
      <body>
        <header>
          <a href="${UI_BASE}/orders"><strong>wxpay sandbox</strong></a
          >${menu}
        </header>
        <main id="main">
          <h1>${opts.title}</h1>
          ${opts.body}
        </main>
        ${opts.live ? SCRIPT : ''}
      </body>
    </html>`;
}

/** Headers every sandbox page carries: the CSP above, no caching, no framing, no referrer to other sites (a URL may
 *  hold a token). Not `no-referrer`: under it Chromium sends `Origin: null` on the pages' own form posts, which the
 *  Origin check must refuse; `same-origin` keeps the real Origin for this sandbox and sends nothing elsewhere. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
};

export const htmlResult = (markup: SafeHtml, status = 200, headers: Record<string, string> = {}): RouteResult => ({
  status,
  raw: markup.value,
  contentType: 'text/html; charset=utf-8',
  headers: { ...PAGE_HEADERS, ...headers },
});

/** The fields of an HTML form post (application/x-www-form-urlencoded). */
export const formOf = (req: { rawBody: Buffer }): URLSearchParams => new URLSearchParams(req.rawBody.toString('utf8'));

/** Post/Redirect/Get: after a form POST, the browser loads `location` with a GET (303). */
export const seeOther = (location: string, headers: Record<string, string> = {}): RouteResult => ({
  status: 303,
  headers: { ...PAGE_HEADERS, Location: location, ...headers },
});
