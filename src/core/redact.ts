// Redaction for --verbose request/response logs. The Authorization header is kept whole (a signature is
// public: it proves nothing without the message and is bound to one timestamp and nonce), while anything
// that could carry a secret is masked: cookies, proxy credentials, and JSON fields named like keys.

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'proxy-authorization', 'x-api-key']);
const SECRET_FIELD = /(private_?key|api_?v3_?key|apiv3|secret|password|passwd)/i;

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
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

/** Lines for one HTTP message: a start line, one per header, then the body. */
export function formatExchange(start: string, headers: Record<string, string | string[] | undefined>, body: string | Buffer): string[] {
  const lines = [start];
  for (const [k, v] of Object.entries(redactHeaders(headers))) lines.push(`  ${k}: ${v}`);
  lines.push(`  ${redactBody(body)}`);
  return lines;
}
