// `webhook serve --forward-to`: POSTs the decrypted event to the local app, signed per Standard Webhooks (a fresh
// timestamp and signature per attempt, the same webhook-id = the event id, so the app can dedupe), retrying with
// exponential backoff. Redirects are never followed: a 3xx is a failure, so decrypted payment data never goes
// to a host nobody configured. `notify replay --forward` sends the same message (forwardMessage) the same way.
import { createForwardPool, type ForwardPost } from './forward-post.js';
import type { EventFacts } from './live-line.js';
import { forwardSignatureHeaders } from './signing.js';

export interface ForwardResult {
  ok: boolean;
  status?: number;
  attempts: number;
  /** Why the last attempt failed: "connection refused", "timeout after 5000 ms", "HTTP 503", … */
  error?: string;
}

/** What is forwarded for one event: built from the journal entry alone, so a replay sends the same bytes. */
export interface ForwardMessage {
  id: string;
  body: string;
  headers: Record<string, string>;
}

export interface ForwarderOptions {
  url: string;
  /** The whsec_ secret the forwards are signed with. */
  secret: string;
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** The POST of one attempt (default forward-post.ts, over node:http); fetch fits, and tests pass a fake. */
  fetchImpl?: ForwardPost;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** The abort signal of one attempt (default AbortSignal.timeout); tests pass a fake clock's. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** Sends one message; with `budgetMs` every attempt, wait and retry included, ends within it. */
export type Forward = (msg: ForwardMessage, budgetMs?: number) => Promise<ForwardResult>;

/** A Forward that owns its connections: `close` (once no forward is running) destroys its keep-alive sockets. */
export type Forwarder = Forward & { close(): void };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The Wechatpay-* and Request-ID headers of the original callback, to pass on to the app. */
export function passOnHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith('wechatpay-') || k === 'request-id') out[k] = v;
  return out;
}

/** `{…event, resource: <decrypted>}` with X-Wxpay-Event-Id/-Type and the original Wechatpay-* headers; with many
 *  merchants also X-Wxpay-Profile (a header, so the signed body stays the event itself). */
export function forwardMessage(e: {
  id: string;
  event_type: string;
  body: string;
  headers: Record<string, string>;
  resource: unknown;
  profile?: string | undefined;
}): ForwardMessage {
  const event = JSON.parse(e.body) as Record<string, unknown>;
  return {
    id: e.id,
    body: JSON.stringify({ ...event, resource: e.resource }),
    headers: {
      ...passOnHeaders(e.headers),
      'x-wxpay-event-id': e.id,
      'x-wxpay-event-type': e.event_type,
      'content-type': 'application/json',
      ...(e.profile === undefined ? {} : { 'x-wxpay-profile': e.profile }),
    },
  };
}

/** The forward of a verified callback, from its facts and the request as received (the handler's and the store's). */
export const forwardOfEvent = (facts: EventFacts, req: { headers: Record<string, string>; body: string }) =>
  forwardMessage({
    id: facts.id,
    event_type: facts.event_type,
    body: req.body,
    headers: req.headers,
    resource: facts.resource,
    ...(facts.merchant ? { profile: facts.merchant.profile } : {}),
  });

/** A failed attempt's cause in words: refused, timeout, unreachable, or the network error's code (on the error
 *  itself from node:http, on its cause from fetch). */
export function causeOf(err: unknown, timeoutMs: number): string {
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code ? `${e.cause?.message ?? e.message} (${code})` : e.message;
}

export function createForwarder(opts: ForwarderOptions): Forwarder {
  // A given POST (fetch, a test's fake) manages its own connections; the default one gets a pool of its own.
  const pool = opts.fetchImpl ? undefined : createForwardPool();
  const forward = forwardVia(opts, opts.fetchImpl ?? pool!.post);
  return Object.assign(forward, { close: () => pool?.close() });
}

function forwardVia(opts: ForwarderOptions, doFetch: ForwardPost): Forward {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const base = opts.baseDelayMs ?? 250;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const timeoutSignal = opts.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  return async (msg, budgetMs) => {
    const deadline = budgetMs === undefined ? Infinity : now() + budgetMs;
    let last: ForwardResult = { ok: false, attempts: 0, error: 'no time left to try' };
    for (let i = 1; i <= attempts; i++) {
      const wait = Math.max(1, Math.min(timeoutMs, deadline - now()));
      const ts = Math.floor(now() / 1000);
      try {
        const res = await doFetch(opts.url, {
          method: 'POST',
          headers: { ...msg.headers, ...forwardSignatureHeaders(opts.secret, msg.id, ts, msg.body) },
          body: msg.body,
          redirect: 'manual',
          signal: timeoutSignal(wait),
        });
        await res.arrayBuffer().catch(() => undefined);
        const redirect = res.status >= 300 && res.status < 400;
        last = {
          ok: res.ok,
          status: res.status,
          attempts: i,
          ...(res.ok ? {} : { error: redirect ? `HTTP ${res.status} redirect, not followed` : `HTTP ${res.status}` }),
        };
        // A redirect or a 4xx other than 408/429 will not get better by retrying.
        if (res.ok || redirect || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429))
          return last;
      } catch (err) {
        last = { ok: false, attempts: i, error: causeOf(err, wait) };
      }
      const pause = Math.min(base * 2 ** (i - 1), 8000);
      // Another attempt only if it can still get a fair share of the budget (at least 100 ms to answer).
      if (i === attempts || now() + pause + 100 > deadline) break;
      await sleep(pause);
    }
    return last;
  };
}
