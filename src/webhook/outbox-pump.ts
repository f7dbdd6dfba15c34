// The forwarder of `webhook serve --store`, one per instance: claims due outbox rows (FOR UPDATE SKIP LOCKED, so
// instances never take the same row while its lease holds), POSTs each once (signed, webhook-id = event id), then
// deletes the row or releases it with a backoff. Retries are rows in the database rather than loops in memory, so
// a retry survives the instance that failed it. Polls every `pollMs`; a local accept wakes it at once.
import type { OutboxRow, WebhookStore } from '../store/webhook-events.js';
import type { Forward } from './forwarder.js';
import { liveEvent, type LiveEvent } from './live-line.js';

export interface PumpOptions {
  store: WebhookStore;
  /** One attempt per claim: the backoff between attempts is the row's next_at. */
  forward: Forward;
  instance: string;
  /** How long a claim holds; longer than one forward's timeout. */
  leaseMs: number;
  pollMs?: number;
  /** Rows claimed (and forwarded at once) per round. */
  batch?: number;
  /** The first retry's delay; it doubles per attempt, up to a minute. */
  baseDelayMs?: number;
  onEvent: (e: LiveEvent) => void;
}

export interface Pump {
  wake(): void;
  /** Ends after the forwards in flight (their outcome is stored). */
  stop(): Promise<void>;
}

export const MAX_RETRY_DELAY_MS = 60_000;

export const retryDelay = (base: number, attempts: number): number =>
  Math.min(base * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);

function factsOfRow(row: OutboxRow) {
  let resource: unknown;
  try {
    resource = (JSON.parse(row.message.body) as { resource?: unknown }).resource;
  } catch {
    resource = undefined;
  }
  const type = row.message.headers['x-wxpay-event-type'] ?? '-';
  return { id: row.id, event_type: type, resource, verification: 'stored' };
}

export function startOutboxPump(o: PumpOptions): Pump {
  const pollMs = o.pollMs ?? 500;
  // An object, not a `let`: the loop reads what stop() and wake() write.
  const state = { stopped: false, nudged: false, wakeUp: undefined as (() => void) | undefined };
  const idle = () =>
    new Promise<void>((resolve) => {
      if (state.nudged || state.stopped) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(t);
        state.wakeUp = undefined;
        resolve();
      };
      const t = setTimeout(done, pollMs);
      state.wakeUp = done;
    });

  /** Forwards one row; a failed one is released with its backoff at once, a delivered one is returned. */
  async function deliver(row: OutboxRow): Promise<OutboxRow | undefined> {
    const f = await o.forward({ id: row.id, body: row.message.body, headers: row.message.headers });
    o.onEvent(liveEvent(factsOfRow(row), 204, f.ok ? 'forwarded' : 'forward_failed', { ...f, attempts: row.attempts }));
    if (f.ok) return row;
    const retryIn = retryDelay(o.baseDelayMs ?? 1000, row.attempts);
    await o.store.failed(row, f.error ?? `HTTP ${String(f.status ?? '?')}`, retryIn).catch(() => undefined);
    return undefined;
  }

  async function round(rows: OutboxRow[]): Promise<void> {
    const done = (await Promise.all(rows.map(deliver))).filter((r) => r !== undefined);
    // A store that is away now: the leases run out and these are forwarded again (same webhook-id), which is safe.
    await o.store.delivered(done).catch(() => undefined);
  }

  const loop = (async () => {
    while (!state.stopped) {
      state.nudged = false;
      // A store that is away gives no rows: look again after the poll interval.
      const rows = await o.store.claim(o.instance, o.batch ?? 32, o.leaseMs).catch((): OutboxRow[] => []);
      if (rows.length) await round(rows);
      else await idle();
    }
  })();

  return {
    wake() {
      state.nudged = true;
      state.wakeUp?.();
    },
    async stop() {
      state.stopped = true;
      state.wakeUp?.();
      await loop;
    },
  };
}
