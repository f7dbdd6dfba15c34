// Redaction for --verbose request/response logs. The Authorization header keeps its fields (mchid, nonce_str,
// timestamp, serial_no: what debugging a SIGN_ERROR needs) but not its signature: the request is logged before it
// is sent, one that never arrives leaves an unused signature, and whoever reads a log pasted into a ticket could
// replay the request within 5 minutes (issue 12). Anything else that could carry a secret is masked too: cookies,
// proxy credentials, and JSON fields named like keys.

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'proxy-authorization', 'x-api-key']);
// auth_code: a payer's payment code (docs/protocol.md §18) charges them for its minute, whoever holds it.
const SECRET_FIELD = /(private_?key|api_?v3_?key|apiv3|secret|password|passwd|auth_?code)/i;

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    if (SECRET_HEADERS.has(k.toLowerCase())) out[k] = '[redacted]';
    else
      out[k] =
        k.toLowerCase() === 'authorization' ? value.replace(/signature="[^"]*"/g, 'signature="[redacted]"') : value;
  }
  return out;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redactValue(v);
    return out;
  }
  if (typeof value === 'string' && value.includes('PRIVATE KEY-----')) return '[redacted]';
  return value;
}

/** A body for the log: JSON with secret-named fields masked, other text truncated, binary summarised. */
export function redactBody(body: string | Buffer, max = 4000): string {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (text === '') return '(empty)';
  if (Buffer.isBuffer(body) && text.includes('\uFFFD')) return `(${body.length} bytes of binary)`;
  let shown = text;
  try {
    shown = JSON.stringify(redactValue(JSON.parse(text)));
  } catch {
    if (text.includes('PRIVATE KEY-----')) return '[redacted]';
  }
  return shown.length > max ? `${shown.slice(0, max)}… (${shown.length} chars)` : shown;
}

/** A download URL for a log or an error: its one-time `token` (a bearer credential for the file) hidden. */
export const redactUrl = (url: string): string => url.replace(/([?&]token=)[^&]*/g, '$1…');

/** A database URL (postgres://user:password@host/db) for a log or an error: its password hidden, in the userinfo
 *  and in a `password=` parameter. */
export const redactStoreUrl = (url: string): string =>
  url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:)[^@/?#]*@/i, '$1…@').replace(/([?&]password=)[^&#]*/gi, '$1…');

/** Lines for one HTTP message: a start line, one per header, then the body. */
export function formatExchange(
  start: string,
  headers: Record<string, string | string[] | undefined>,
  body: string | Buffer,
): string[] {
  const lines = [start];
  for (const [k, v] of Object.entries(redactHeaders(headers))) lines.push(`  ${k}: ${v}`);
  lines.push(`  ${redactBody(body)}`);
  return lines;
}
