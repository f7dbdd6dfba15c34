// What `webhook serve` puts in place before it listens, in this order: the merchant keys (a shared serial is a
// start-up error before anything is written), the forwarder (its secret beside the journal), then where events go
// (the file journal, or the shared store with --store) and the events to forward again.
import path from 'node:path';
import { isWxpayError, WxpayError } from '../protocol/errors.js';
import { createForwarder, type Forward } from './forwarder.js';
import { forwardSecret } from './forward-secret.js';
import type { JournalEntry } from './capture.js';
import { openEntries, openJournal, recoverJournal, type OpenedJournal, type Recovered } from './journal.js';
import { createHandler, type Incoming, type Reply } from './handler.js';
import { throttledReload } from './key-reload.js';
import type { LiveEvent } from './live-line.js';
import { merchantSet } from './merchants.js';
import type { WebhookServerOptions } from './server.js';
import type { RejectionLimiter } from './rejections.js';
import { storeParts, type StoreParts } from './store-mode.js';

/** The merchant keys part of the handler's dependencies. Checked before the journal opens: a shared serial is a
 *  start-up error. */
export function merchantDeps(opts: WebhookServerOptions, now: () => number) {
  if (opts.merchants) return { merchants: merchantSet(opts.merchants, now) } as const;
  const reloadKeys = throttledReload(opts.reloadKeys, now);
  return { keys: opts.keys, apiV3Key: opts.apiV3Key, ...(reloadKeys ? { reloadKeys } : {}) } as const;
}

/** Forwards signed with the given secret or the one beside the journal. With a store, one attempt per claim of an
 *  outbox row: the retries are the rows' (they outlive this instance). */
export async function forwarderFor(opts: WebhookServerOptions, now: () => number) {
  const secret = opts.forwardSecret ?? (await forwardSecret(opts.journalPath)).secret;
  const attempts = opts.store ? 1 : opts.forwardAttempts;
  return createForwarder({
    url: opts.forwardTo!,
    secret,
    now,
    ...(attempts ? { attempts } : {}),
    ...(opts.forwardBaseDelayMs !== undefined ? { baseDelayMs: opts.forwardBaseDelayMs } : {}),
  });
}

interface EventLogDeps {
  forward: Forward | undefined;
  now: () => number;
  onEvent: (e: LiveEvent) => void;
  summaryIntervalMs: number;
}

export interface EventLog extends Recovered {
  stored: StoreParts | undefined;
  journal: OpenedJournal;
  toReforward: AsyncGenerator<JournalEntry> | undefined;
}

/** Where acknowledged events go: the shared store (--store) or the file journal, recovered first; plus, with
 *  --forward-to, a reader over the events acknowledged earlier but never forwarded. */
export async function openEventLog(opts: WebhookServerOptions, deps: EventLogDeps): Promise<EventLog> {
  const stored = opts.store
    ? storeParts(opts.store, {
        forward: deps.forward,
        now: deps.now,
        onEvent: deps.onEvent,
        intervalMs: deps.summaryIntervalMs,
        baseDelayMs: opts.forwardBaseDelayMs,
      })
    : undefined;
  const { seen, unforwarded, journal } = stored ?? (await openJournalOrFail(opts.journalPath, opts.rotateBytes));
  const toReforward = opts.forwardTo && unforwarded.length ? await openEntries(unforwarded) : undefined;
  return { stored, seen, unforwarded, journal, toReforward };
}

interface HandlerParts {
  keyDeps: ReturnType<typeof merchantDeps>;
  now: () => number;
  log: EventLog;
  limiter: RejectionLimiter;
  onEvent: (e: LiveEvent) => void;
  track: (p: Promise<unknown>) => void;
  forward: Forward | undefined;
}

/** The callback handler over the keys and the event log, with the server's options for forwarding. */
export function handlerFor(opts: WebhookServerOptions, p: HandlerParts): (req: Incoming) => Promise<Reply> {
  return createHandler({
    ...p.keyDeps,
    now: p.now,
    journal: p.log.journal,
    seen: p.log.seen,
    limiter: p.limiter,
    onEvent: p.onEvent,
    track: p.track,
    store: p.log.stored?.sink,
    ...(opts.windowSeconds !== undefined ? { windowSeconds: opts.windowSeconds } : {}),
    ...(p.forward ? { forward: p.forward } : {}),
    ...(opts.resendCommand ? { resendCommand: opts.resendCommand } : {}),
    ackAfterForward: Boolean(opts.ackAfterForward),
    ...(opts.ackBudgetMs ? { ackBudgetMs: opts.ackBudgetMs } : {}),
  });
}

/** A journal that cannot be read or opened for append is the operator's to fix (a path, a folder, permissions). */
async function openJournalOrFail(file: string, rotateBytes?: number) {
  try {
    const recovered = await recoverJournal(file);
    return { ...recovered, journal: await openJournal(file, rotateBytes ? { rotateBytes } : {}) };
  } catch (err) {
    if (isWxpayError(err)) throw err; // FILE_UNSAFE: a symlink at the journal's path
    throw new WxpayError('JOURNAL_UNWRITABLE', `Cannot open the journal ${file}: ${(err as Error).message}`, {
      cause: err,
      hint: `Check that the folder ${path.dirname(file)} exists and is writable, or choose another file with --journal <file>.`,
    });
  }
}
