// The demo's checks on what the embedded sandbox and listener answered. A wrong state throws a typed error with
// the exit code WeChat Pay's own answer would give, so a failing demo step never reads as a bug in wxpay.
import { WxpayError } from '../protocol/errors.js';
import type { LiveEvent } from '../webhook/live-line.js';
import type { DemoWorld } from './env.js';
import type { DemoSettings } from './settings.js';

/** The embedded sandbox answered a state the flow does not expect: as if WeChat Pay had (exit 5). */
export function expectState(what: string, actual: unknown, wanted: string): void {
  if (actual !== wanted)
    throw new WxpayError('WECHATPAY_ERROR', `${what} is ${String(actual)}, expected ${wanted}`, { hint: SANDBOX_HINT });
}

export const SANDBOX_HINT =
  'Run wxpay demo --keep ./demo and look at ./demo/webhooks.ndjson; report the output if it persists.';

/** The listener refused or failed the notification: what WeChat Pay would retry (exit 4). */
export function expectDelivered(e: LiveEvent): LiveEvent {
  const problem =
    e.outcome === 'rejected'
      ? `the listener rejected a notification: ${e.verification}`
      : e.status < 200 || e.status > 299
        ? `the listener answered ${e.status} (${e.outcome})`
        : undefined;
  if (problem) throw new WxpayError('NOTIFY_DELIVERY_FAILED', problem, { hint: SANDBOX_HINT });
  return e;
}

export const notificationLines = (e: LiveEvent): string[] => [
  `${e.event_type} reached the listener: HTTP ${e.status} (${e.outcome}); signature ${e.verification}`,
  `decrypted resource: out_trade_no ${e.out_trade_no ?? '-'}, ${e.amount ?? '-'} fen, state ${e.state ?? '-'}`,
];

export async function awaitNotification(world: DemoWorld, set: DemoSettings, eventType: string): Promise<LiveEvent> {
  const e = await world.waitForEvent(
    (x) => x.event_type === eventType || x.outcome === 'rejected',
    set.notifyTimeoutMs,
  );
  return expectDelivered(e);
}
