// Where the sandbox's bills come from: the payments and refunds of one China-time day, taken from the
// instance's own orders and refunds (a snapshot, so a later refund cannot change a file already applied
// for), plus synthetic orders seeded by the admin API for load tests. Synthetic events are computed from
// their index on demand, so a million-row bill never sits in memory.
import type { SandboxContext } from './context.js';
import { transactionJson } from './orders.js';
import type { OrderRecord, RefundRecord } from './state.js';
import { chinaDate, chinaDayStart } from '../protocol/china-time.js';

export interface PaymentEvent {
  time: number;
  appid: string;
  mchid: string;
  subMchid: string;
  transactionId: string;
  outTradeNo: string;
  openid: string;
  tradeType: string;
  currency: string;
  /** fen */
  total: number;
  description: string;
  attach: string;
}

export interface RefundEvent {
  /** The refund application (create_time). */
  time: number;
  successTime?: number;
  status: string;
  refundId: string;
  outRefundNo: string;
  /** fen */
  refund: number;
  reason: string;
  payment: PaymentEvent;
}

export interface SyntheticBatch {
  date: string;
  count: number;
  /** Every n-th order is half refunded the same day; 0 = none. */
  refundEvery: number;
  mchid: string;
  appid: string;
}

export interface DayEvents {
  payments: PaymentEvent[];
  refunds: RefundEvent[];
  synthetic: SyntheticBatch[];
}

const DAY_MS = 86_400_000;

function paymentOf(order: OrderRecord): PaymentEvent {
  const t = transactionJson(order) as { trade_type?: string; payer?: Record<string, string> };
  return {
    time: order.successTime!,
    appid: order.appid,
    mchid: order.mchid,
    subMchid: order.subMchid ?? '',
    transactionId: order.transactionId!,
    outTradeNo: order.outTradeNo,
    openid: t.payer?.openid ?? t.payer?.sub_openid ?? t.payer?.sp_openid ?? '',
    tradeType: t.trade_type ?? '',
    currency: order.currency,
    total: order.total,
    description: order.description,
    attach: order.attach ?? '',
  };
}

/** The day's events for one merchant (and, for a service provider, optionally one sub-merchant). */
export function dayEvents(
  ctx: SandboxContext,
  date: string,
  mchid: string,
  subMchid: string | undefined,
  synthetic: readonly SyntheticBatch[],
): DayEvents {
  const mine = (o: OrderRecord) => o.mchid === mchid && (subMchid === undefined || o.subMchid === subMchid);
  const orders = [...ctx.state.orders.values()].filter(
    (o) => mine(o) && o.transactionId !== undefined && o.successTime !== undefined,
  );
  const payments = orders
    .filter((o) => chinaDate(o.successTime!) === date)
    .map(paymentOf)
    .sort((a, b) => a.time - b.time);
  const byKey = new Map(orders.map((o) => [o.key, o]));
  const refunds = [...ctx.state.refunds.values()]
    .filter((r: RefundRecord) => byKey.has(r.orderKey) && chinaDate(r.createTime) === date)
    .map((r): RefundEvent => ({
      time: r.createTime,
      ...(r.successTime !== undefined ? { successTime: r.successTime } : {}),
      status: r.status,
      refundId: r.refundId,
      outRefundNo: r.outRefundNo,
      refund: r.refund,
      reason: r.reason ?? '',
      payment: paymentOf(byKey.get(r.orderKey)!),
    }))
    .sort((a, b) => a.time - b.time);
  return {
    payments,
    refunds,
    synthetic: synthetic.filter((b) => b.date === date && b.mchid === mchid && subMchid === undefined),
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** What every order of a batch shares, worked out once per batch rather than once per order. */
const batchDays = new WeakMap<SyntheticBatch, { ymd: string; start: number }>();
export function batchDay(b: SyntheticBatch): { ymd: string; start: number } {
  let day = batchDays.get(b);
  if (!day) batchDays.set(b, (day = { ymd: b.date.replace(/-/g, ''), start: chinaDayStart(b.date) }));
  return day;
}

/**
 * The fixed text of a synthetic order: id prefixes (each followed by the batch's day and the order's index),
 * the openid around its 5 digits, the two product names, and the attach around its shop and till numbers. Field
 * sizes are like real rows (28-character openid, a product name, an attach), about 300 bytes a row. The sandbox's
 * byte writer (seeded-trade-rows.ts) writes rows from these same pieces.
 */
export const SEED = {
  transactionPrefix: '4200999999',
  outTradePrefix: 'SEED',
  refundPrefix: '5030999999',
  outRefundPrefix: 'SEEDR',
  openid: ['oSeed', 'Payer-SandboxUser'],
  tradeType: 'NATIVE',
  currency: 'CNY',
  /** Every 5th order's name holds a comma, so those rows need CSV quotes. */
  description: (i: number) => (i % 5 === 0 ? '沙箱测试商品,套装-蓝色' : '沙箱测试商品-标准款-蓝色'),
  attach: ['shop=S', ';till=', ';batch=bench'],
  reason: '沙箱退款\n第二行',
} as const;

/** When order i of a batch is paid: spread over the day, whole seconds, ending 2 minutes before midnight. */
export const seedTime = (b: SyntheticBatch, i: number): number =>
  batchDay(b).start + Math.floor((i * (DAY_MS - 120_000)) / b.count / 1000) * 1000;
export const seedTotal = (i: number): number => 1 + ((i * 7919) % 49_999);
/** Is order i half refunded (refund applied 60 s after payment, successful 1 s later)? */
export const seedRefunded = (b: SyntheticBatch, i: number): boolean =>
  b.refundEvery > 0 && i % b.refundEvery === b.refundEvery - 1;
export const seedRefund = (total: number): number => Math.max(1, Math.floor(total / 2));

/** Order i of a synthetic batch and, for every refundEvery-th order, its refund: a pure function of i. */
export function syntheticEvent(b: SyntheticBatch, i: number): { payment: PaymentEvent; refund?: RefundEvent } {
  const { ymd } = batchDay(b);
  const time = seedTime(b, i);
  const total = seedTotal(i);
  const payment: PaymentEvent = {
    time,
    appid: b.appid,
    mchid: b.mchid,
    subMchid: '',
    transactionId: `${SEED.transactionPrefix}${ymd}${pad(i, 10)}`,
    outTradeNo: `${SEED.outTradePrefix}${ymd}${pad(i, 10)}`,
    openid: `${SEED.openid[0]}${pad(i % 100_000, 5)}${SEED.openid[1]}`,
    tradeType: SEED.tradeType,
    currency: SEED.currency,
    total,
    description: SEED.description(i),
    attach: `${SEED.attach[0]}${pad(i % 1000, 4)}${SEED.attach[1]}${pad(i % 16, 2)}${SEED.attach[2]}`,
  };
  if (!seedRefunded(b, i)) return { payment };
  return {
    payment,
    refund: {
      time: time + 60_000,
      successTime: time + 61_000,
      status: 'SUCCESS',
      refundId: `${SEED.refundPrefix}${ymd}${pad(i, 11)}`,
      outRefundNo: `${SEED.outRefundPrefix}${ymd}${pad(i, 10)}`,
      refund: seedRefund(total),
      reason: SEED.reason,
      payment,
    },
  };
}

const UNIT_MS: Record<string, number> = { d: DAY_MS, h: 3600_000, m: 60_000, s: 1000 };

/**
 * `sandbox serve --clock`: "+2d", "-36h", "+90m", or an ISO time with a zone ("2026-01-03T10:30:00+08:00"), as an
 * offset from `now` in ms. Undefined for a value it cannot read (the command turns that into a usage error).
 */
export function parseClockOffset(value: string, now: number): number | undefined {
  const rel = /^([+-])(\d+)([dhms])$/.exec(value.trim());
  if (rel) return (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNIT_MS[rel[3]!]!;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at - now;
}

export const hasEvents = (e: DayEvents): boolean =>
  e.payments.length > 0 || e.refunds.length > 0 || e.synthetic.some((b) => b.count > 0);
