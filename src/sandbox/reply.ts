// The answer of one sandbox request, once its route ran: Request-ID, Date, the body's bytes and type, and for a 2xx
// of the signed API the Wechatpay-* signature headers (signing.ts); plus the one log line per request.
import type { IncomingMessage } from 'node:http';
import { redactUrl } from '../protocol/redact.js';
import { requestId } from './api-error.js';
import { chooseSigner, type RequestLogEntry, type SandboxContext } from './context.js';
import type { RouteResult } from './router.js';
import { signatureHeaders } from './signing.js';

/** What the route (or the error it threw) answered, before the body is serialised. */
export interface Outcome {
  result: RouteResult;
  errorCode?: string | undefined;
  signed: boolean;
}

/** The bytes and headers about to go out. */
export interface Reply {
  headers: Record<string, string>;
  /** A JSON answer stays a string: it is encoded to UTF-8 once, in the message signed (no body Buffer and no
   *  concatenation), and node:http joins a string body to the head in one chunk. */
  body: Buffer | string;
  requestId: string;
}

/** The Date header of a sandbox time in ms, formatted once a second (the header has whole seconds) rather than
 *  once an answer. One per handler environment: sandbox time is per merchant (its clock skew). */
export function httpDates(): (ms: number) => string {
  let second = Number.NaN;
  let text = '';
  return (ms) => {
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      text = new Date(s * 1000).toUTCString();
    }
    return text;
  };
}

export async function buildReply(
  ctx: SandboxContext,
  req: IncomingMessage,
  path: string,
  outcome: Outcome,
  httpDate: (ms: number) => string,
): Promise<Reply> {
  const { result, errorCode, signed } = outcome;
  let body = bodyOf(result);
  const rid = requestId(ctx.counter, errorCode);
  const headers: Record<string, string> = { 'Request-ID': rid, Date: httpDate(ctx.now()), ...result.headers };
  // An oversized body is dropped (and cut off past 16x the cap), so the connection is not reused.
  if (result.status === 413) headers.Connection = 'close';
  if (body.length) headers['Content-Type'] = result.contentType ?? 'application/json; charset=utf-8';
  if (signed) {
    const serial = req.headers['wechatpay-serial'];
    const out = await signatureHeaders(
      ctx,
      body,
      chooseSigner(ctx, typeof serial === 'string' ? serial : undefined),
      ctx.faults.fire('responses', path, 'late'),
    );
    Object.assign(headers, out.headers);
    body = out.body;
  }
  if (result.stream) {
    // Streamed chunked: its length is not known up front.
    headers['Content-Type'] = result.contentType ?? 'application/octet-stream';
  } else headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  return { headers, body, requestId: rid };
}

function bodyOf(result: RouteResult): Buffer | string {
  if (result.raw !== undefined) return Buffer.from(result.raw);
  if (result.body !== undefined) return JSON.stringify(result.body);
  return Buffer.alloc(0);
}

/** The request-line fields a log line needs. */
export interface LoggedTarget {
  method: string;
  target: string;
  route: string;
}

export function logEntry(
  t: LoggedTarget,
  started: number,
  status: number,
  rid: string,
  errorCode: string | undefined,
): RequestLogEntry {
  return {
    time: new Date(started).toISOString(),
    method: t.method,
    // The dashboard's first visit carries its token in the query: the log shows it hidden.
    url: redactUrl(t.target),
    route: t.route,
    status,
    ...(errorCode ? { code: errorCode } : {}),
    ms: Date.now() - started,
    requestId: rid,
  };
}
