// The executors of `fixtures run`'s sandbox and callback actions: the simulated payer and payee through the running
// sandbox's admin API (as `sandbox pay/refund/transfer` do), a signed test callback (as `notify trigger`), and a
// wait for a callback to reach the `webhook serve` journal.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WxpayError } from '../protocol/errors.js';
import type { Executor, Executors } from '../fixtures/runner.js';
import type { CommandContext } from '../runtime.js';
import { findCallback } from '../webhook/find-callback.js';
import type { SignerOptions } from './notify-signer.js';
import { sendTrigger } from './notify-send.js';
import { adminCall } from './sandbox-admin-call.js';

type In = Record<string, unknown>;
const s = (i: In, k: string): string => i[k] as string;
const seg = (v: string) => encodeURIComponent(v);

export const WAIT_DEFAULT_MS = 15_000;
const WAIT_MAX_MS = 600_000;
const POLL_MS = 200;

export type SandboxActions = Pick<Executors, 'pay' | 'refund_settle' | 'transfer_confirm' | 'trigger' | 'wait'>;

function triggerAction(ctx: CommandContext<SignerOptions>): Executor {
  return async (i) => {
    const sent = await sendTrigger(ctx, {
      event: s(i, 'event'),
      to: s(i, 'to'),
      outTradeNo: i.out_trade_no as string | undefined,
      amount: (i.amount as number | undefined) ?? 1,
    });
    if (!sent.receiver.ok)
      throw new WxpayError('NOTIFY_DELIVERY_FAILED', `The receiver answered ${sent.receiver.status}`, {
        hint: "Check the receiver's log; WeChat Pay retries on anything but 2xx.",
        details: { status: sent.receiver.status },
      });
    return { id: sent.id, event_type: sent.event, status: sent.receiver.status, resource: sent.resource };
  };
}

function waitAction(journal: string, now: () => number): Executor {
  return async (i) => {
    const eventType = s(i, 'event_type');
    const resource: Record<string, string> = {};
    for (const k of ['out_trade_no', 'out_refund_no', 'out_bill_no']) {
      const v = i[k];
      if (typeof v === 'string') resource[k] = v;
    }
    const timeoutMs = Math.min((i.timeout_ms as number | undefined) ?? WAIT_DEFAULT_MS, WAIT_MAX_MS);
    const until = now() + timeoutMs;
    for (;;) {
      const found = await findCallback(journal, { eventType, resource });
      if (found) return { ...found };
      if (now() >= until) break;
      await sleep(POLL_MS);
    }
    throw new WxpayError(
      'FIXTURE_WAIT_TIMEOUT',
      `No accepted ${eventType} callback in ${journal} after ${timeoutMs} ms`,
      {
        hint: "Is `wxpay webhook serve --journal <file>` running, is the order's notify_url its address, and is --journal the same file?",
        details: { event_type: eventType, resource, journal },
      },
    );
  };
}

export function sandboxActions(ctx: CommandContext<SignerOptions>, journalFile: string): SandboxActions {
  const journal = path.resolve(ctx.rt.cwd, journalFile);
  return {
    pay: (i) => adminCall(ctx, `/sandbox/orders/${seg(s(i, 'out_trade_no'))}/${i.fail === true ? 'fail' : 'pay'}`),
    refund_settle: (i) =>
      adminCall(
        ctx,
        `/sandbox/refunds/${seg(s(i, 'out_refund_no'))}/${i.fail === true ? 'fail' : 'complete'}`,
        i.fail === true ? { status: (i.status as string | undefined) ?? 'ABNORMAL' } : undefined,
      ),
    transfer_confirm: (i) => {
      const action = i.refuse === true ? 'refuse' : typeof i.fail_reason === 'string' ? 'fail' : 'confirm';
      const body = action === 'fail' ? { fail_reason: i.fail_reason } : undefined;
      return adminCall(ctx, `/sandbox/transfers/${seg(s(i, 'out_bill_no'))}/${action}`, body);
    },
    trigger: triggerAction(ctx),
    wait: waitAction(journal, () => ctx.rt.now()),
  };
}
