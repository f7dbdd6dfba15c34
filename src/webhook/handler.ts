// One callback through `webhook serve`, framework-free: verify + decrypt (core verifyAndDecrypt), journal with
// fsync, THEN answer; duplicates are answered but not forwarded again. A rejection is journalled as a bounded
// digest while its source is within its token bucket, else answered 429. The HTTP server only adapts to this.
import type { KeyObject } from 'node:crypto';
import type { KeyStore } from '../protocol/keys.js';
import { acceptDuplicate, acceptNew } from './accept.js';
import type { Forward } from './forwarder.js';
import type { Journal } from './journal.js';
import type { LiveEvent } from './live-line.js';
import type { MerchantSet } from './merchants.js';
import { createRejecter } from './reject.js';
import type { RejectionLimiter } from './rejections.js';
import { acceptStored, type StoreSink } from './store-accept.js';
import { createVerifier, type Verified } from './verify-callback.js';

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

/** Verify, then acknowledge once: a callback whose id is being acknowledged waits for that one to end, so two
 *  concurrent deliveries of one event never both forward it. */
export function createHandler(deps: HandlerDeps): (req: Incoming) => Promise<Reply> {
  const pending = new Map<string, Promise<unknown>>();
  const verify = createVerifier(deps);
  const reject = createRejecter(deps);
  return async (req) => {
    let verified: Verified;
    try {
      const got = verify(req);
      // Usually synchronous (one merchant, a known key): no promise and no extra turn for it.
      verified = got instanceof Promise ? await got : got;
    } catch (err) {
      return reject(req, err);
    }
    const { v, merchant } = verified;
    if (deps.store) return acceptStored(deps.store, req, v, merchant, deps.onEvent);
    const id = v.event.id;
    while (pending.has(id)) await pending.get(id)!.catch(() => undefined);
    if (deps.seen.has(id)) return acceptDuplicate(deps, req, verified);
    const p = acceptNew(deps, req, verified);
    pending.set(id, p);
    try {
      return await p;
    } finally {
      pending.delete(id);
    }
  };
}
