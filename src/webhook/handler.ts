// One callback through `webhook serve`, framework-free: verify + decrypt (core verifyAndDecrypt), journal with
// fsync, THEN answer; duplicates are answered but not forwarded again. A rejection is journalled as a bounded
// digest while its source is within its token bucket, else answered 429. The HTTP server only adapts to this.
import type { KeyObject } from 'node:crypto';
import { isWxpayError } from '../protocol/errors.js';
import type { KeyStore } from '../protocol/keys.js';
import { verifyAndDecrypt, type VerifiedNotification } from '../protocol/notification.js';
import { forwardOfEvent, type Forward, type ForwardMessage, type ForwardResult } from './forwarder.js';
import type { Journal } from './journal.js';
import { captureOf } from './capture.js';
import { factsOf, liveEvent, type EventFacts, type LiveEvent } from './live-line.js';
import type { MerchantSet, MerchantTag } from './merchants.js';
import { rejectDigest, type RejectionLimiter } from './rejections.js';
import { acceptStored, type StoreSink } from './store-accept.js';

export interface Incoming {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  receivedAt: string;
  /** The source address (for the rejection limit). */
  remote?: string;
  /** Many merchants: the profile named by the path (/notify/<profile>); absent on the shared path. */
  profile?: string;
}

export interface Reply {
  status: number;
  body?: string;
}

/** One merchant's keys, or (`webhook serve --profiles`) a set of merchants that choose by serial or path. */
export type HandlerDeps = HandlerCommon &
  (
    | {
        keys: KeyStore;
        /** Certificate mode: the verification keys read again (rate-limited by the caller; undefined when not now). */
        reloadKeys?: () => Promise<KeyStore | undefined>;
        apiV3Key: KeyObject;
        merchants?: undefined;
      }
    | { merchants: MerchantSet; keys?: undefined; apiV3Key?: undefined; reloadKeys?: undefined }
  );

interface HandlerCommon {
  /** Milliseconds since the epoch. */
  now: () => number;
  windowSeconds?: number;
  journal: Journal;
  /** Event ids acknowledged so far (rebuilt from the journal at start). */
  seen: Set<string>;
  forward?: Forward;
  /** The command that re-sends one event's forward, for the log line of a failed one. */
  resendCommand?: (id: string) => string;
  ackAfterForward?: boolean;
  /** With ackAfterForward: the whole forward, retries included, ends within this (WeChat Pay waits 5 s). */
  ackBudgetMs?: number;
  limiter?: RejectionLimiter;
  onEvent: (e: LiveEvent) => void;
  /** Keeps a background forward alive until shutdown. */
  track: (p: Promise<unknown>) => void;
  /** --store: events go to the shared store (deduplicated there), not to the journal and `seen`. */
  store?: StoreSink | undefined;
}

/** WeChat Pay reads only the status: 401 for a bad or probe signature, 400 for a body that is not a notification,
 *  500 for what is our fault (wrong APIv3 key, journal) so that WeChat Pay retries once it is fixed. */
export function statusFor(code: string): number {
  if (code.startsWith('VERIFY_')) return 401;
  if (code === 'NOTIFY_NOT_JSON' || code === 'NOTIFY_BAD_RESOURCE') return 400;
  return 500;
}

/** 4 s of WeChat Pay's 5 s: the rest is for verifying, journalling and the network. */
export const ACK_BUDGET_MS = 4_000;

/** How long a source over its rejection limit waits for its 429, and how many may wait at once (each holds its
 *  request; past this many, pipelined junk is answered at once rather than held in memory). */
export const TARPIT_MS = 50;
const TARPIT_MAX = 1_000;
const fail = (status: number, message: string): Reply => ({ status, body: JSON.stringify({ code: 'FAIL', message }) });
const UNKNOWN_SERIAL_HINT =
  'unknown serial: if WeChat Pay rotated its platform certificate, refresh platformCertDir with `wxpay certs download` (the listener re-reads it)';

/** Forwards one acknowledged event, journals the outcome (a `forwarded` line ends its re-forward on restart), and
 *  logs it; a failed one is logged with its cause and the command that re-sends it. Used by the handler and at start. */
export async function forwardAndRecord(
  deps: Pick<HandlerDeps, 'forward' | 'journal' | 'onEvent' | 'resendCommand'>,
  facts: EventFacts,
  msg: ForwardMessage,
  outcome: string,
): Promise<void> {
  const f = await deps.forward!(msg);
  const tag = facts.merchant ?? {};
  await deps.journal
    .append({
      id: facts.id,
      ...tag,
      outcome: f.ok ? 'forwarded' : 'forward_failed',
      forward: f,
      at: new Date().toISOString(),
    })
    .catch(() => undefined);
  const e = liveEvent(facts, 204, outcome, f);
  if (!f.ok && deps.resendCommand) e.resend = deps.resendCommand(facts.id);
  deps.onEvent(e);
}

/** A verified callback and, with many merchants, whose it is. */
interface Verified {
  v: VerifiedNotification;
  merchant?: MerchantTag;
}

export function createHandler(deps: HandlerDeps): (req: Incoming) => Promise<Reply> {
  const pending = new Map<string, Promise<unknown>>();
  let keys = deps.keys;
  let tarpitted = 0;

  async function accept(req: Incoming, { v, merchant }: Verified): Promise<Reply> {
    const facts = factsOf(v, merchant);
    const capture = captureOf(req);
    const msg = deps.forward ? forwardOfEvent(facts, capture) : undefined;
    const base = {
      ...capture,
      ...merchant,
      id: facts.id,
      event_type: facts.event_type,
      resource: v.resource,
      verification: { serial: v.verification.serial, skew: v.verification.skew },
    };
    let forward: ForwardResult | undefined;
    if (msg && deps.ackAfterForward) {
      forward = await deps.forward!(msg, deps.ackBudgetMs ?? ACK_BUDGET_MS);
      if (!forward.ok) {
        await deps.journal.append({ ...base, outcome: 'forward_failed', status: 502, forward }).catch(() => undefined);
        deps.onEvent(liveEvent(facts, 502, 'forward_failed', forward));
        return fail(502, `the app did not accept the event (${forward.error ?? forward.status})`);
      }
    }
    const later = msg && !deps.ackAfterForward;
    try {
      // forwardPending: until a `forwarded` line follows, a restart forwards this event again.
      await deps.journal.append({
        ...base,
        outcome: 'accepted',
        status: 204,
        ...(forward ? { forward } : {}),
        ...(later ? { forwardPending: true } : {}),
      });
    } catch (err) {
      deps.onEvent(liveEvent(facts, 500, 'journal_failed', forward, (err as Error).message));
      return fail(500, 'journal write failed');
    }
    deps.seen.add(facts.id);
    if (later) deps.track(forwardAndRecord(deps, facts, msg, 'accepted'));
    else deps.onEvent(liveEvent(facts, 204, 'accepted', forward));
    return { status: 204 };
  }

  async function verify(req: Incoming): Promise<Verified> {
    const now = Math.floor(deps.now() / 1000);
    if (deps.merchants)
      return deps.merchants.verify(
        { headers: req.headers, rawBody: req.rawBody, now, windowSeconds: deps.windowSeconds },
        req.profile,
      );
    const apiV3Key = deps.apiV3Key;
    const input = () => ({
      headers: req.headers,
      rawBody: req.rawBody,
      keys: keys!,
      apiV3Key,
      now: Math.floor(deps.now() / 1000),
      ...(deps.windowSeconds !== undefined ? { windowSeconds: deps.windowSeconds } : {}),
    });
    try {
      return { v: verifyAndDecrypt(input()) };
    } catch (err) {
      // A rotated platform certificate: read platformCertDir again (at most once a second) before answering 401.
      if (!isWxpayError(err) || err.code !== 'VERIFY_UNKNOWN_SERIAL' || !deps.reloadKeys) throw err;
      const fresh = await deps.reloadKeys().catch(() => undefined);
      if (!fresh) throw err;
      keys = fresh;
      return { v: verifyAndDecrypt(input()) };
    }
  }

  async function reject(req: Incoming, err: unknown): Promise<Reply> {
    const code = isWxpayError(err) ? err.code : 'INTERNAL';
    const status = statusFor(code);
    if (deps.limiter && !deps.limiter.admit(req.remote, deps.now())) {
      // A short wait before the 429 (a tarpit) paces a flooding connection as a journal write once did, so junk
      // answered for free cannot take the CPU the real callbacks need.
      if (tarpitted < TARPIT_MAX) {
        tarpitted++;
        await new Promise((r) => setTimeout(r, TARPIT_MS));
        tarpitted--;
      }
      return fail(429, 'too many rejected requests from this address');
    }
    // Anyone can send a request that fails verification: it is journalled as a digest. One that verified and then
    // failed (DECRYPT_*, a bad body) came from WeChat Pay: kept whole, for `notify decrypt --capture` or a replay
    // once the APIv3 key is fixed.
    const signed = !code.startsWith('VERIFY_') && code !== 'INTERNAL';
    const entry = signed ? { ...captureOf(req), outcome: 'rejected', status, code } : rejectDigest(req, status, code);
    await deps.journal
      .append(req.profile === undefined ? entry : { ...entry, ...deps.merchants?.tag(req.profile) })
      .catch(() => undefined);
    deps.onEvent({
      time: req.receivedAt,
      status,
      outcome: 'rejected',
      verification: code,
      ...(code === 'VERIFY_UNKNOWN_SERIAL'
        ? { error: `${req.headers['wechatpay-serial'] ?? ''} ${UNKNOWN_SERIAL_HINT}`.trim() }
        : {}),
    });
    return fail(status, code);
  }

  return async (req) => {
    let verified: Verified;
    try {
      verified = await verify(req);
    } catch (err) {
      return reject(req, err);
    }
    const { v, merchant } = verified;
    if (deps.store) return acceptStored(deps.store, req, v, merchant, deps.onEvent);
    const id = v.event.id;
    while (pending.has(id)) await pending.get(id)!.catch(() => undefined);
    if (deps.seen.has(id)) {
      await deps.journal
        .append({
          ...captureOf(req),
          ...merchant,
          id,
          event_type: v.event.event_type,
          outcome: 'duplicate',
          status: 204,
        })
        .catch(() => undefined);
      deps.onEvent(liveEvent(factsOf(v, merchant), 204, 'duplicate'));
      return { status: 204 };
    }
    const p = accept(req, verified);
    pending.set(id, p);
    try {
      return await p;
    } finally {
      pending.delete(id);
    }
  };
}
