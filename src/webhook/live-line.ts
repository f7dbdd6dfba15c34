// `webhook serve`'s one live line per event: time, event type, out_trade_no (out_bill_no for a transfer), amount,
// state, verification and forward result (with the command that re-sends a failed forward). The same object is the
// NDJSON event under --json.
import type { VerifiedNotification } from '../protocol/notification.js';
import type { ForwardResult } from './forwarder.js';
import type { MerchantTag } from './merchants.js';

export interface LiveEvent {
  time: string;
  status: number;
  outcome: string;
  verification: string;
  /** With many merchants (`--profiles`): whose callback it is. */
  profile?: string;
  mchid?: string;
  id?: string;
  event_type?: string;
  out_trade_no?: string;
  /** A merchant transfer's bill number (MCHTRANSFER.*), shown where out_trade_no goes. */
  out_bill_no?: string;
  /** Profit sharing (PROFITSHARING.*): the split's or the return's number. */
  out_order_no?: string;
  amount?: number;
  state?: string;
  /** Complaint events (COMPLAINT.*): which complaint, and what happened to it. */
  complaint_id?: string;
  action_type?: string;
  /** Combine payments (合单): the combine order and its sub-orders' out_trade_no. */
  combine_out_trade_no?: string;
  sub_orders?: string[];
  forward?: ForwardResult;
  /** The command that re-sends a failed forward. */
  resend?: string;
  error?: string;
}

/** What a live line needs of an event: from a verified callback, or from its journal entry (a re-forward). */
export interface EventFacts {
  id: string;
  event_type: string;
  resource: unknown;
  verification: string;
  merchant?: MerchantTag | undefined;
}

/** The facts of a verified callback. */
export const factsOf = (v: VerifiedNotification, merchant?: MerchantTag): EventFacts => ({
  id: v.event.id,
  event_type: v.event.event_type,
  resource: v.resource,
  verification: `ok ${v.verification.serial} skew ${v.verification.skew}s`,
  ...(merchant ? { merchant } : {}),
});

export function liveEvent(
  v: EventFacts,
  status: number,
  outcome: string,
  forward?: ForwardResult,
  error?: string,
): LiveEvent {
  const r = (v.resource ?? {}) as {
    out_trade_no?: string;
    out_bill_no?: string;
    trade_state?: string;
    refund_status?: string;
    state?: string;
    amount?: { total?: number; refund?: number };
    transfer_amount?: number;
    complaint_id?: string;
    action_type?: string;
    out_order_no?: string;
    receiver?: { amount?: number };
    combine_out_trade_no?: string;
    sub_orders?: Array<{ out_trade_no?: string; trade_state?: string; amount?: { total_amount?: number } }>;
  };
  const subs = Array.isArray(r.sub_orders) ? r.sub_orders : undefined;
  const combineTotal = subs?.reduce((sum, s) => sum + (s.amount?.total_amount ?? 0), 0);
  const amount = r.amount?.refund ?? r.amount?.total ?? r.transfer_amount ?? r.receiver?.amount ?? combineTotal;
  const state = r.trade_state ?? r.refund_status ?? r.state ?? subs?.[0]?.trade_state;
  const e: LiveEvent = {
    time: new Date().toISOString(),
    status,
    outcome,
    verification: v.verification,
    id: v.id,
    event_type: v.event_type,
  };
  if (v.merchant) e.profile = v.merchant.profile;
  if (v.merchant?.mchid !== undefined) e.mchid = v.merchant.mchid;
  if (r.out_trade_no !== undefined) e.out_trade_no = r.out_trade_no;
  if (r.out_bill_no !== undefined) e.out_bill_no = r.out_bill_no;
  if (r.out_order_no !== undefined) e.out_order_no = r.out_order_no;
  if (amount !== undefined) e.amount = amount;
  if (state !== undefined) e.state = state;
  if (typeof r.complaint_id === 'string') e.complaint_id = r.complaint_id;
  if (typeof r.action_type === 'string') e.action_type = r.action_type;
  if (typeof r.combine_out_trade_no === 'string') e.combine_out_trade_no = r.combine_out_trade_no;
  if (subs) e.sub_orders = subs.map((s) => String(s.out_trade_no));
  if (forward) e.forward = forward;
  if (error) e.error = error;
  return e;
}

/** The usual cause of a rejection, on the live line where the operator is looking. */
const REJECTION_HINTS: Record<string, string> = {
  DECRYPT_FAILED:
    'hint: usually the wrong APIv3 key (not the APIv2 key, not the key password); the callback is in the journal for `wxpay notify decrypt --capture`',
};

export function formatLive(e: LiveEvent): string {
  const hint = e.outcome === 'rejected' ? REJECTION_HINTS[e.verification] : undefined;
  if (hint) return [e.time, String(e.status), e.outcome, e.verification, hint].join('  ');
  const fwd = !e.forward
    ? '-'
    : e.forward.ok
      ? `forwarded ${e.forward.status} (${e.forward.attempts}x)`
      : `forward FAILED: ${e.forward.error ?? e.forward.status ?? ''} (${e.forward.attempts}x)`;
  const cols = [
    e.time,
    String(e.status),
    e.outcome,
    // The merchant's profile only when the listener serves many: one-merchant lines keep their columns.
    ...(e.profile !== undefined ? [e.profile] : []),
    e.event_type ?? '-',
    e.out_trade_no ??
      e.out_bill_no ??
      e.out_order_no ??
      (e.combine_out_trade_no !== undefined
        ? `combine ${e.combine_out_trade_no} (${(e.sub_orders ?? []).join(', ')})`
        : undefined) ??
      (e.complaint_id !== undefined ? `complaint ${e.complaint_id}` : '-'),
    e.amount !== undefined ? `${e.amount} fen` : '-',
    e.state ?? e.action_type ?? '-',
    e.verification,
    fwd,
  ];
  return cols.join('  ') + (e.error ? `\n  ${e.error}` : '') + (e.resend ? `\n  re-send with: ${e.resend}` : '');
}
