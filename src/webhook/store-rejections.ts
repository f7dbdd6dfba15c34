// With --store the handler's journal is this: rejected requests are COUNTED per interval and error code (the
// wxpay_webhook_rejections table), never stored, so a flood of junk cannot fill the shared database. The
// rate limiter's summary lines count as RATE_LIMITED. Everything else a handler journals is the store's already.
import type { WebhookStore } from '../store/webhook-events.js';
import type { Journal } from './journal.js';

export function rejectionCounter(
  store: WebhookStore,
  instance: string,
  intervalMs: number,
  now: () => number,
): Journal & { flush(): Promise<void> } {
  let counts = new Map<string, number>();
  let since = now();
  const add = (code: string, n: number) => counts.set(code, (counts.get(code) ?? 0) + n);
  const flush = async () => {
    const [batch, start] = [counts, since];
    [counts, since] = [new Map<string, number>(), now()];
    const bucket = new Date(Math.floor(start / intervalMs) * intervalMs);
    await store.addRejections(bucket, instance, batch).catch(() => undefined);
  };
  const timer = setInterval(() => void flush(), intervalMs).unref();
  return {
    path: 'store',
    append(entry) {
      if (entry.outcome === 'rejected') add(typeof entry.code === 'string' ? entry.code : 'UNKNOWN', 1);
      if (entry.outcome === 'rate_limited' && typeof entry.count === 'number') add('RATE_LIMITED', entry.count);
      return Promise.resolve();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
