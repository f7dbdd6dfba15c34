// The simulated payer's links (issue 21, docs/protocol.md §11). Every prepay order gets a pay token: 22 characters
// from the 56-letter alphabet WeChat Pay's own `pr` values use (about 128 random bits, so it cannot be guessed; it is
// the only thing that opens the order's payer page). The Native code_url keeps the real form,
// `weixin://wxpay/bizpayurl?pr=<token>` (a phone's WeChat scans it; payerPageUrl() maps it to the page), and the H5
// h5_url is an http URL of the sandbox itself, `/sandbox/pay/<token>?prepay_id=…`, since an H5 app redirects the
// browser to it.
import { randomInt } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { PrepayKind } from './schemas.js';

export const PAY_PAGE_PREFIX = '/sandbox/pay/';
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const TOKEN_LENGTH = 22;
const TOKEN = new RegExp(`^[${ALPHABET}]{${TOKEN_LENGTH}}$`);
const CODE_URL_PREFIX = 'weixin://wxpay/bizpayurl?pr=';

export const isPayToken = (s: string): boolean => TOKEN.test(s);

function newPayToken(): string {
  return Array.from({ length: TOKEN_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** The origin a request reached this sandbox by. Its Host passed the Host rule (web-guard.ts) before any route ran. */
export const requestOrigin = (headers: IncomingHttpHeaders): string => `http://${headers.host ?? '127.0.0.1'}`;

/** What a new order keeps: its token, and the code_url (Native) or h5_url (H5) that leads to it. The h5_url has a
 *  query, prepay_id as the real one does, so an app can append `&redirect_url=…` as in production. Without an
 *  origin (an in-process caller, no request) the h5_url is the bare path. */
export function payLink(kind: PrepayKind, prepayId: string, origin = ''): { payToken: string; payUrl?: string } {
  const payToken = newPayToken();
  if (kind === 'native') return { payToken, payUrl: `${CODE_URL_PREFIX}${payToken}` };
  if (kind === 'h5') return { payToken, payUrl: `${origin}${PAY_PAGE_PREFIX}${payToken}?prepay_id=${prepayId}` };
  return { payToken };
}

/** The payer page a sandbox code_url stands for, on the sandbox at `sandboxUrl` (e.g. http://127.0.0.1:8931);
 *  undefined for a code_url the sandbox did not make (a real one). */
export function payerPageUrl(codeUrl: string, sandboxUrl: string): string | undefined {
  if (!codeUrl.startsWith(CODE_URL_PREFIX)) return undefined;
  const token = codeUrl.slice(CODE_URL_PREFIX.length);
  if (!isPayToken(token)) return undefined;
  return new URL(`${PAY_PAGE_PREFIX}${token}`, sandboxUrl).href;
}
