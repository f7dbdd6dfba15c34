// Per-instance sandbox state: orders and refunds with their amounts, states and times (ms since the epoch),
// so bills can be generated from it later. Optionally saved to a JSON file after every change.
import { readFileSync } from 'node:fs';
import { writeFileSafeSync } from '../files/safe-write.js';
import { ChangeFeed } from './changes.js';
import { ComplaintBook, type ComplaintSnapshot } from './complaint-book.js';
import { ProfitSharingStore, type ProfitSharingSnapshot } from './profitsharing-store.js';
import type { PrepayKind } from './schemas.js';
import { newWechatIds } from '../protocol/ids.js';
import type { TransferRecord } from './transfer-types.js';

/** USERPAYING and REVOKED belong to payment-code orders only (docs/protocol.md §18). */
export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'USERPAYING' | 'REVOKED';
/** A prepay kind, or a payment-code order (trade_type MICROPAY). */
export type OrderKind = PrepayKind | 'codepay';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED';

export interface OrderRecord {
  key: string;
  partner: boolean;
  kind: OrderKind;
  /** mchid, or sp_mchid for a partner order. */
  mchid: string;
  subMchid?: string;
  appid: string;
  subAppid?: string;
  outTradeNo: string;
  prepayId: string;
  transactionId?: string;
  tradeState: TradeState;
  description: string;
  attach?: string;
  notifyUrl: string;
  total: number;
  currency: string;
  payer?: Record<string, string>;
  /** settle_info.profit_sharing was true: the money stays frozen for splitting (docs/protocol.md §15). */
  profitSharing?: boolean;
  /** h5_url or code_url, kept so a harmless repeat answers the same. */
  payUrl?: string;
  /** Opens the simulated payer's page, /sandbox/pay/<token> (sandbox/pay-links.ts); a combine's sub-orders share it. */
  payToken?: string;
  /** time_expire as the order keeps it (moved into [+1 min, +90 days]): the pay deadline, not a close time. */
  timeExpire?: number;
  /** The validated request body, to tell a harmless repeat from OUT_TRADE_NO_USED. */
  request: string;
  createTime: number;
  successTime?: number;
  closeTime?: number;
  /** A payment-code order whose payer must enter a password: when the simulated payer does (sandbox/codepay.ts). */
  payerConfirms?: 'on-query' | 'never';
  /** Set on a combine order's sub-order (docs/protocol.md §17): the combine order it is paid and closed with. */
  combine?: { outTradeNo: string; appid: string; mchid: string };
}

export interface RefundRecord {
  key: string;
  orderKey: string;
  mchid: string;
  subMchid?: string;
  outRefundNo: string;
  refundId: string;
  transactionId: string;
  outTradeNo: string;
  status: RefundStatus;
  refund: number;
  total: number;
  currency: string;
  reason?: string;
  notifyUrl?: string;
  fundsAccount?: string;
  /** Set by an abnormal refund (docs/protocol.md §16): the bank channel and the account it went to. */
  channel?: string;
  receivedAccount?: string;
  request: string;
  createTime: number;
  successTime?: number;
}

export interface SandboxStateSnapshot extends Partial<ComplaintSnapshot> {
  orders: OrderRecord[];
  refunds: RefundRecord[];
  transfers: TransferRecord[];
  profitSharing?: ProfitSharingSnapshot;
}

export const orderKey = (mchid: string, subMchid: string | undefined, outTradeNo: string) =>
  `${mchid}/${subMchid ?? ''}/${outTradeNo}`;
export const refundKey = (mchid: string, subMchid: string | undefined, outRefundNo: string) =>
  `${mchid}/${subMchid ?? ''}/${outRefundNo}`;

export class SandboxState {
  readonly orders = new Map<string, OrderRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly profitSharing = new ProfitSharingStore(() => this.save());
  /** Merchant transfers by `mchid/out_bill_no`. */
  readonly transfers = new Map<string, TransferRecord>();
  /** Complaints, uploaded media and the complaint notification URL. */
  readonly complaints = new ComplaintBook();
  /** Fires after every change of this instance (the dashboard's live updates listen). */
  readonly changes = new ChangeFeed();
  private readonly byTransactionId = new Map<string, string>();
  /** Refund keys per order key: a refund checks its order's earlier refunds, and scanning every refund made a batch
   *  of 1,000 refunds quadratic. Refunds enter only through putRefund and the constructor, which keep it. */
  private readonly refundKeysByOrder = new Map<string, Set<string>>();

  constructor(private readonly file?: string) {
    if (!file) return;
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
    if (text === undefined) return;
    const snap = JSON.parse(text) as Partial<SandboxStateSnapshot>; // a file from an older version may lack a list
    for (const o of snap.orders ?? []) this.putOrder(o, false);
    for (const r of snap.refunds ?? []) this.indexRefund(r);
    for (const t of snap.transfers ?? []) this.transfers.set(t.key, t);
    this.complaints.load(snap);
    this.profitSharing.load(snap.profitSharing);
  }

  putOrder(order: OrderRecord, save = true): void {
    this.orders.set(order.key, order);
    if (order.transactionId) this.byTransactionId.set(order.transactionId, order.key);
    if (save) this.save();
  }

  orderByTransactionId(id: string): OrderRecord | undefined {
    const key = this.byTransactionId.get(id);
    return key === undefined ? undefined : this.orders.get(key);
  }

  /** Finds an order by its out_trade_no alone (the admin API has no mchid). */
  orderByOutTradeNo(outTradeNo: string): OrderRecord | undefined {
    for (const o of this.orders.values()) if (o.outTradeNo === outTradeNo) return o;
    return undefined;
  }

  /** The order a payer page token opens (a combine order: its first sub-order). */
  orderByPayToken(token: string): OrderRecord | undefined {
    for (const o of this.orders.values()) if (o.payToken === token) return o;
    return undefined;
  }

  refundByOutRefundNo(outRefundNo: string): RefundRecord | undefined {
    for (const r of this.refunds.values()) if (r.outRefundNo === outRefundNo) return r;
    return undefined;
  }

  refundsOf(order: OrderRecord): RefundRecord[] {
    return [...(this.refundKeysByOrder.get(order.key) ?? [])].map((k) => this.refunds.get(k)!);
  }

  putRefund(refund: RefundRecord): void {
    this.indexRefund(refund);
    this.save();
  }

  private indexRefund(refund: RefundRecord): void {
    this.refunds.set(refund.key, refund);
    const keys = this.refundKeysByOrder.get(refund.orderKey);
    if (keys) keys.add(refund.key);
    else this.refundKeysByOrder.set(refund.orderKey, new Set([refund.key]));
  }

  /** Finds a transfer by out_bill_no alone (the admin API has no mchid). */
  transferByOutBillNo(outBillNo: string): TransferRecord | undefined {
    for (const t of this.transfers.values()) if (t.outBillNo === outBillNo) return t;
    return undefined;
  }

  putTransfer(transfer: TransferRecord): void {
    this.transfers.set(transfer.key, transfer);
    this.save();
  }

  private plain(): SandboxStateSnapshot {
    return {
      orders: [...this.orders.values()],
      refunds: [...this.refunds.values()],
      transfers: [...this.transfers.values()],
      ...this.complaints.snapshot(),
      profitSharing: this.profitSharing.snapshot(),
    };
  }

  snapshot(): SandboxStateSnapshot {
    return structuredClone(this.plain());
  }

  save(): void {
    this.changes.emit();
    if (!this.file) return;
    writeFileSafeSync(this.file, `${JSON.stringify(this.plain(), null, 2)}\n`);
  }
}

export const newIds = newWechatIds;
