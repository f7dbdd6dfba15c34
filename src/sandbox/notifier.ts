// docs/protocol.md §4: POSTs payment and refund notifications to notify_url (built by core's buildNotification, signed
// with the mode's key), retrying on WeChat Pay's schedule divided by timeScale until the receiver answers 200/204.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { buildNotification, type OriginalType } from '../protocol/notification.js';
import { unixSeconds } from '../protocol/sign.js';
import { chooseSigner, type SandboxContext } from './context.js';
import { postNotification } from './notify-post.js';
import { applySignatureFaults } from './signing.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { newNonce, newResourceNonce } from '../protocol/nonce.js';

/** Seconds between attempts: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h (15 retries). */
export const RETRY_SCHEDULE_SECONDS = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
] as const;

interface FixedParts {
  originalType: OriginalType;
  createTime: string;
  resourceNonce: string;
}

export interface NotificationAttempt {
  attempt: number;
  /** The delay the schedule asked for before this attempt (already divided by timeScale). */
  scheduledDelayMs: number;
  at: string;
  atMs: number;
  status?: number;
  error?: string;
  /** The receiver's answer body, first 500 characters. */
  answer?: string;
  /** A signature fault injected into this attempt, if any. */
  fault?: string;
}

export interface DeliveryRecord {
  id: string;
  eventType: string;
  url: string;
  outTradeNo?: string;
  outRefundNo?: string;
  outBillNo?: string;
  complaintId?: string;
  plaintext: object;
  attempts: NotificationAttempt[];
  delivered: boolean;
  gaveUp: boolean;
}

export class Notifier {
  readonly deliveries: DeliveryRecord[] = [];
  // One signal ends every notification in flight on close; each in-flight POST listens on it, and many may be
  // in flight at once (a 1,000-row batch), so Node's 10-listener leak warning does not apply here.
  private readonly abort = withoutListenerLimit(new AbortController());
  /** What every attempt of one notification repeats: its type, create_time and resource nonce. */
  private readonly fixed = new WeakMap<DeliveryRecord, FixedParts>();
  private readonly next = new WeakMap<DeliveryRecord, number>();

  constructor(private readonly ctx: () => SandboxContext) {}

  send(
    url: string,
    eventType: string,
    originalType: OriginalType,
    plaintext: object,
    refs: { outTradeNo?: string; outRefundNo?: string; outBillNo?: string; complaintId?: string },
  ): DeliveryRecord {
    const record: DeliveryRecord = {
      // A UUID, as a real TRANSACTION.SUCCESS quoted in a developer thread carries (docs/protocol.md §11, row 12);
      // the doc examples show "EV-…", so receivers must treat the id as opaque (string(36)).
      id: randomUUID(),
      eventType,
      url,
      ...refs,
      plaintext,
      attempts: [],
      delivered: false,
      gaveUp: false,
    };
    this.deliveries.push(record);
    const createTime = chinaRfc3339(this.ctx().now());
    this.fixed.set(record, { originalType, createTime, resourceNonce: newResourceNonce() });
    this.schedule(record, 1, 0);
    return record;
  }

  /** Attempt `n` of the schedule after `delayMs`; a failure books the next, until the schedule runs out. */
  private schedule(record: DeliveryRecord, n: number, delayMs: number): void {
    const ctx = this.ctx();
    this.next.set(record, ctx.now() + delayMs);
    ctx.later(delayMs, () => {
      this.next.delete(record);
      // Re-sent by hand (the dashboard) and acknowledged meanwhile: nothing more to send.
      if (record.delivered) return;
      void this.deliver(record, delayMs).then((ok) => {
        if (ok) return;
        if (n > RETRY_SCHEDULE_SECONDS.length) {
          record.gaveUp = true;
          ctx.state.changes.emit();
          return;
        }
        this.schedule(record, n + 1, (RETRY_SCHEDULE_SECONDS[n - 1]! * 1000) / ctx.timeScale);
      });
    });
  }

  /** The dashboard's "Re-send now": one attempt at once, beside the schedule (which goes on if this one fails too). */
  resend(record: DeliveryRecord): Promise<boolean> {
    return record.delivered ? Promise.resolve(true) : this.deliver(record, 0);
  }

  /** When the next scheduled attempt is due (sandbox ms), if one is booked. */
  nextAttemptAt(record: DeliveryRecord): number | undefined {
    return this.next.get(record);
  }

  private async deliver(record: DeliveryRecord, delayMs: number): Promise<boolean> {
    const ctx = this.ctx();
    const fixed = this.fixed.get(record)!;
    // Counted in order, hand-made attempts included (equal to the schedule's number when there are none).
    const n = record.attempts.length + 1;
    const signer = chooseSigner(ctx);
    const path = new URL(record.url).pathname;
    const faults = ctx.faults.fire('notifications', path, 'late');
    // `drop`: WeChat Pay never delivers this one (its retries are lost too); `notify recover` is for that case.
    if (faults.some((f) => f.kind === 'drop')) {
      record.attempts.push({
        attempt: n,
        scheduledDelayMs: delayMs,
        at: new Date(ctx.now()).toISOString(),
        atMs: ctx.now(),
        fault: 'drop',
      });
      record.gaveUp = true;
      ctx.state.changes.emit();
      return true; // ends the retries: nothing more will be sent for this event
    }
    const built = buildNotification({
      eventType: record.eventType,
      originalType: fixed.originalType,
      plaintext: record.plaintext,
      apiV3Key: ctx.keys.apiV3Key,
      signingKey: signer.privateKey,
      serial: signer.serial,
      timestamp: unixSeconds(ctx.now()),
      nonce: newNonce(),
      resourceNonce: fixed.resourceNonce,
      id: record.id,
      createTime: fixed.createTime,
    });
    const { headers, body } = applySignatureFaults(ctx, built.headers, Buffer.from(built.body), signer, faults);
    const at = ctx.now();
    const entry: NotificationAttempt = {
      attempt: n,
      scheduledDelayMs: delayMs,
      at: new Date(at).toISOString(),
      atMs: at,
      ...(faults.length ? { fault: faults.map((f) => f.kind).join(',') } : {}),
    };
    record.attempts.push(entry);
    ctx.state.changes.emit();
    try {
      const { status, text } = await postNotification(record.url, headers, body, this.abort.signal);
      entry.status = status;
      entry.answer = text.slice(0, 500);
      record.delivered ||= status === 200 || status === 204;
    } catch (cause) {
      entry.error = (cause as Error).message;
    }
    ctx.state.changes.emit();
    return record.delivered;
  }

  close(): void {
    this.abort.abort();
  }
}

function withoutListenerLimit(ac: AbortController): AbortController {
  setMaxListeners(0, ac.signal);
  return ac;
}
