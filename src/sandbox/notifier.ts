// docs/protocol.md §4: POSTs payment and refund notifications to notify_url (built by core's buildNotification, signed
// with the mode's key), retrying on WeChat Pay's schedule divided by timeScale until the receiver answers 200/204.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { buildNotification, type OriginalType } from '../protocol/notification.js';
import { unixSeconds } from '../protocol/sign.js';
import { chooseSigner, type SandboxContext } from './context.js';
import { applySignatureFaults } from './signing.js';
import { chinaRfc3339 } from '../protocol/china-time.js';
import { newNonce, newResourceNonce } from '../protocol/nonce.js';

/** Seconds between attempts: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h (15 retries). */
export const RETRY_SCHEDULE_SECONDS = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
] as const;
const ANSWER_TIMEOUT_MS = 5000;

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

  constructor(private readonly ctx: () => SandboxContext) {}

  send(
    url: string,
    eventType: string,
    originalType: OriginalType,
    plaintext: object,
    refs: { outTradeNo?: string; outRefundNo?: string; outBillNo?: string; complaintId?: string },
  ): DeliveryRecord {
    const ctx = this.ctx();
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
    const createTime = chinaRfc3339(ctx.now());
    const resourceNonce = newResourceNonce();
    const attempt = (n: number, delayMs: number): void => {
      ctx.later(delayMs, () => {
        void this.deliver(record, { originalType, createTime, resourceNonce }, n, delayMs).then((ok) => {
          if (ok) return;
          if (n > RETRY_SCHEDULE_SECONDS.length) {
            record.gaveUp = true;
            return;
          }
          attempt(n + 1, (RETRY_SCHEDULE_SECONDS[n - 1]! * 1000) / ctx.timeScale);
        });
      });
    };
    attempt(1, 0);
    return record;
  }

  private async deliver(
    record: DeliveryRecord,
    fixed: { originalType: OriginalType; createTime: string; resourceNonce: string },
    n: number,
    delayMs: number,
  ): Promise<boolean> {
    const ctx = this.ctx();
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
    try {
      const { status, text } = await this.post(record.url, headers, body);
      entry.status = status;
      entry.answer = text.slice(0, 500);
      record.delivered = status === 200 || status === 204;
    } catch (cause) {
      entry.error = (cause as Error).message;
    }
    return record.delivered;
  }

  private post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': String(body.length), 'User-Agent': 'Mozilla/4.0' },
          timeout: ANSWER_TIMEOUT_MS,
          signal: this.abort.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= 4096) chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.abort.abort();
  }
}

function withoutListenerLimit(ac: AbortController): AbortController {
  setMaxListeners(0, ac.signal);
  return ac;
}
