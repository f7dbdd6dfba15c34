// What `webhook serve --store` puts in place of the file journal: the handler's sink into the shared store, a
// rejection counter as its journal, and (with --forward-to) this instance's outbox pump.
import type { WebhookStore } from '../store/webhook-events.js';
import type { Forward } from './forwarder.js';
import type { OpenedJournal, Recovered } from './journal.js';
import type { LiveEvent } from './live-line.js';
import { startOutboxPump, type Pump } from './outbox-pump.js';
import type { StoreSink } from './store-accept.js';
import { rejectionCounter } from './store-rejections.js';

export interface StoreOptions {
  store: WebhookStore;
  mchid: string;
  /** This instance's name: lease owner, stored_by, rejection rows (default host:pid). */
  instance: string;
  /** How long a forwarder's claim on an outbox row holds (default 30 s). */
  leaseMs?: number | undefined;
  /** How often an idle forwarder looks for due rows (default 500 ms). */
  pollMs?: number | undefined;
}

export const DEFAULT_LEASE_MS = 30_000;

export interface StoreParts extends Recovered {
  journal: OpenedJournal;
  sink: StoreSink;
  pump: Pump | undefined;
}

export function storeParts(
  o: StoreOptions,
  deps: {
    forward: Forward | undefined;
    now: () => number;
    onEvent: (e: LiveEvent) => void;
    intervalMs: number;
    baseDelayMs?: number | undefined;
  },
): StoreParts {
  const pump = deps.forward
    ? startOutboxPump({
        store: o.store,
        forward: deps.forward,
        instance: o.instance,
        leaseMs: o.leaseMs ?? DEFAULT_LEASE_MS,
        onEvent: deps.onEvent,
        ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }),
        ...(deps.baseDelayMs === undefined ? {} : { baseDelayMs: deps.baseDelayMs }),
      })
    : undefined;
  const counter = rejectionCounter(o.store, o.instance, deps.intervalMs, deps.now);
  return {
    seen: new Set(),
    unforwarded: [],
    journal: { ...counter, cutBytes: 0 },
    pump,
    sink: {
      store: o.store,
      mchid: o.mchid,
      instance: o.instance,
      forwards: Boolean(deps.forward),
      wake: () => pump?.wake(),
    },
  };
}
