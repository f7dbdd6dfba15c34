// Which callback a journal line records: the event type and the order (and refund) it names. Used by `notify
// recover` and `bill reconcile` to tell which final states reached the app. Only deliveries the listener accepted,
// and events `notify recover` delivered itself, count.

export interface JournalCallback {
  eventType: string;
  outTradeNo?: string;
  outRefundNo?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The callback a journal line records, or undefined for a rejected delivery, another record, or a torn line. */
export function callbackOf(line: string): JournalCallback | undefined {
  let e: { outcome?: unknown; event_type?: unknown; resource?: Record<string, unknown> };
  try {
    e = JSON.parse(line) as typeof e;
  } catch {
    return undefined;
  }
  if ((e.outcome !== 'accepted' && e.outcome !== 'recovered') || typeof e.event_type !== 'string') return undefined;
  const outTradeNo = text(e.resource?.out_trade_no);
  const outRefundNo = text(e.resource?.out_refund_no);
  return {
    eventType: e.event_type,
    ...(outTradeNo === undefined ? {} : { outTradeNo }),
    ...(outRefundNo === undefined ? {} : { outRefundNo }),
  };
}

/**
 * The callback a refund in this state produces. Refund queries say SUCCESS / ABNORMAL / CLOSED; trade bills write
 * SUCCESS / REFUNDCLOSE / CHANGE (docs/protocol.md §5). PROCESSING has no callback yet.
 */
const REFUND_EVENTS: Readonly<Record<string, string>> = {
  SUCCESS: 'REFUND.SUCCESS',
  ABNORMAL: 'REFUND.ABNORMAL',
  CHANGE: 'REFUND.ABNORMAL',
  CLOSED: 'REFUND.CLOSED',
  REFUNDCLOSE: 'REFUND.CLOSED',
};

export const refundEventFor = (status: string): string | undefined => REFUND_EVENTS[status];
