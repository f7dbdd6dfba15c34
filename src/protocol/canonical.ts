// docs/protocol.md §1, §2 and §6: the exact messages that get signed, and the Authorization header.
// Messages are built from raw bytes where bytes arrive (responses, callbacks) so nothing is re-encoded.
import { WxpayError } from './errors.js';

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`; the URL is path plus query exactly as sent. */
export function requestMessage(
  method: string,
  url: string,
  timestamp: string,
  nonce: string,
  body: string | Buffer = '',
): Buffer {
  return Buffer.concat([
    Buffer.from(`${method.toUpperCase()}\n${url}\n${timestamp}\n${nonce}\n`),
    Buffer.from(body),
    Buffer.from('\n'),
  ]);
}

/** `TIMESTAMP\nNONCE\nBODY\n` over the raw body of a response or a notification. */
export function responseMessage(timestamp: string, nonce: string, body: string | Buffer): Buffer {
  // A string body (a server's JSON answer) is encoded once, with the rest: the same UTF-8 bytes, one buffer.
  if (typeof body === 'string') return Buffer.from(`${timestamp}\n${nonce}\n${body}\n`);
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')]);
}

/** JSAPI / mini-program: line 4 is the whole `prepay_id=<id>` package value. */
export function jsapiPayMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
}

/** APP: line 4 is the bare prepay_id; the `Sign=WXPay` package is not signed. */
export function appPayMessage(appid: string, timestamp: string, noncestr: string, prepayid: string): string {
  return `${appid}\n${timestamp}\n${noncestr}\n${prepayid}\n`;
}

/** The request-target to sign: an absolute URL loses scheme and host; a path is kept verbatim. */
export function canonicalUrl(url: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(url);
  const rest = m ? (m[1] ?? '') : url;
  const noFragment = rest.split('#')[0] ?? '';
  // The request-target always starts with "/": https://host?a=1 goes on the wire as "/?a=1".
  return noFragment === '' ? '/' : noFragment.startsWith('?') ? `/${noFragment}` : noFragment;
}

export interface AuthorizationFields {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

const AUTH_KEYS = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;

/** Field order follows the official Java sample; the server parses by key, so any order is valid. */
export function buildAuthorization(f: AuthorizationFields): string {
  return `${AUTH_SCHEME} ${AUTH_KEYS.map((k) => `${k}="${f[k]}"`).join(',')}`;
}

const malformed = (why: string) =>
  new WxpayError('USAGE', `Malformed Authorization header: ${why}`, {
    hint: `Expect ${AUTH_SCHEME} mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…" (any order, no spaces after commas).`,
  });

/** Parses an Authorization header with its fields in any order. Throws on anything malformed. */
export function parseAuthorization(header: string): AuthorizationFields {
  if (typeof header !== 'string' || !header.startsWith(`${AUTH_SCHEME} `))
    throw malformed(`the scheme must be ${AUTH_SCHEME}`);
  const rest = header.slice(AUTH_SCHEME.length + 1);
  const fields: Record<string, string> = {};
  const re = /([a-z_]+)="([^"]*)"(,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  let ended = false;
  while ((m = re.exec(rest)) !== null) {
    const key = m[1] as string;
    if (key in fields) throw malformed(`${key} appears twice`);
    fields[key] = m[2] as string;
    consumed = re.lastIndex;
    if (m[3] === '') {
      ended = true;
      break;
    }
  }
  if (!ended || consumed !== rest.length) throw malformed(`cannot parse near "${rest.slice(consumed, consumed + 20)}"`);
  for (const k of AUTH_KEYS) if (!fields[k]) throw malformed(`${k} is missing`);
  const unknown = Object.keys(fields).filter((k) => !(AUTH_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw malformed(`unknown field ${unknown.join(', ')}`);
  return fields as unknown as AuthorizationFields;
}
