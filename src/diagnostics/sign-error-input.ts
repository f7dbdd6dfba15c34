// What `sign --explain` is given, in the three forms a user has at hand: WeChat Pay's raw 401 body, wxpay's own
// `--json` error document (`wxpay --json query X 2> err.json`), or a `--verbose` capture (`wxpay --verbose … 2> log`),
// whose request block also shows the Authorization header that was sent.
import { parseAuthorization, type AuthorizationFields } from '../protocol/canonical.js';

export interface SignErrorBody {
  code?: string;
  message?: string;
  detail?: Record<string, unknown>;
}

export interface SignErrorInput {
  form: 'wechatpay-body' | 'wxpay-json' | 'verbose-capture';
  body: SignErrorBody;
  /** The Authorization header that was sent (a --verbose capture shows it). */
  sent?: AuthorizationFields;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The error body inside one JSON document: wxpay's {"error":{"wechatpay":{...}}}, or the raw body itself. */
function bodyOf(doc: Record<string, unknown>): Pick<SignErrorInput, 'form' | 'body'> | undefined {
  const wechatpay = (doc.error as { wechatpay?: SignErrorBody & { status?: number } } | undefined)?.wechatpay;
  if (wechatpay && typeof wechatpay === 'object') {
    const { code, message, detail } = wechatpay;
    return {
      form: 'wxpay-json',
      body: { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(detail ? { detail } : {}) },
    };
  }
  if (typeof doc.code === 'string' || doc.detail !== undefined)
    return { form: 'wechatpay-body', body: doc as SignErrorBody };
  return undefined;
}

/** The last response block of a --verbose log ("< 401 GET …" then indented headers and the body line). */
function fromCapture(lines: string[]): SignErrorInput | undefined {
  const at = lines.findLastIndex((l) => /^< \d{3} /.test(l));
  if (at < 0) return undefined;
  let body: SignErrorBody | undefined;
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith('  '); i++) {
    const doc = jsonObject(lines[i]!.trim());
    if (doc) body = doc as SignErrorBody;
  }
  if (!body) return undefined;
  let sent: AuthorizationFields | undefined;
  const request = lines.slice(0, at).findLastIndex((l) => l.startsWith('> '));
  for (let i = request + 1; request >= 0 && i < at && lines[i]!.startsWith('  '); i++) {
    const m = /^ {2}authorization: (.*)$/i.exec(lines[i]!);
    if (!m) continue;
    try {
      sent = parseAuthorization(m[1]!);
    } catch {
      // a mangled header line tells nothing; the body alone still explains
    }
  }
  return { form: 'verbose-capture', body, ...(sent ? { sent } : {}) };
}

/** Reads any of the three forms, or undefined when the text holds no WeChat Pay error body. */
export function readSignErrorInput(text: string): SignErrorInput | undefined {
  const whole = jsonObject(text.trim());
  if (whole) return bodyOf(whole);
  const lines = text.split(/\r?\n/);
  const capture = fromCapture(lines);
  if (capture) return capture;
  // stderr saved with --json may hold a warning line before the error document.
  for (const line of lines.reverse()) {
    const doc = jsonObject(line.trim());
    const found = doc && bodyOf(doc);
    if (found) return found;
  }
  return undefined;
}
