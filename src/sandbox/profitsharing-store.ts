// The sandbox's profit-sharing records (docs/protocol.md §15): receivers per merchant, splits (an unfreeze is a split
// to the merchant itself) and returns, kept with the rest of the instance's state and saved with it.

export type SplitState = 'PROCESSING' | 'FINISHED';
export type ReceiverResult = 'PENDING' | 'SUCCESS' | 'CLOSED';
export type ReturnResult = 'PROCESSING' | 'SUCCESS' | 'FAILED';

export interface ReceiverRecord {
  key: string;
  mchid: string;
  subMchid?: string;
  type: string;
  account: string;
  /** Decrypted; never answered back. */
  name?: string;
  relationType: string;
  customRelation?: string;
}

export interface SplitLine {
  type: string;
  account: string;
  amount: number;
  description: string;
  result: ReceiverResult;
  failReason?: string;
  detailId: string;
  createTime: number;
  finishTime?: number;
}

export interface SplitRecord {
  key: string;
  mchid: string;
  subMchid?: string;
  transactionId: string;
  outOrderNo: string;
  orderId: string;
  state: SplitState;
  /** An unfreeze (or the unfreeze_unsplit tail of a split) releases the rest to the merchant. */
  unfreeze: boolean;
  lines: SplitLine[];
  request: string;
  createTime: number;
}

export interface ReturnRecord {
  key: string;
  mchid: string;
  subMchid?: string;
  splitKey: string;
  orderId: string;
  outOrderNo: string;
  outReturnNo: string;
  returnId: string;
  returnMchid: string;
  amount: number;
  description: string;
  result: ReturnResult;
  failReason?: string;
  request: string;
  createTime: number;
  finishTime?: number;
}

export interface ProfitSharingSnapshot {
  receivers: ReceiverRecord[];
  splits: SplitRecord[];
  returns: ReturnRecord[];
  /** Where PROFITSHARING.* notifications go (set on the merchant platform in production; /sandbox here). */
  notifyUrl?: string;
}

export const merchantKey = (mchid: string, subMchid: string | undefined, rest: string) =>
  `${mchid}/${subMchid ?? ''}/${rest}`;

export class ProfitSharingStore {
  readonly receivers = new Map<string, ReceiverRecord>();
  readonly splits = new Map<string, SplitRecord>();
  readonly returns = new Map<string, ReturnRecord>();
  notifyUrl: string | undefined;

  constructor(private readonly save: () => void) {}

  load(snap: Partial<ProfitSharingSnapshot> | undefined): void {
    for (const r of snap?.receivers ?? []) this.receivers.set(r.key, r);
    for (const s of snap?.splits ?? []) this.splits.set(s.key, s);
    for (const r of snap?.returns ?? []) this.returns.set(r.key, r);
    this.notifyUrl = snap?.notifyUrl;
  }

  putReceiver(r: ReceiverRecord): void {
    this.receivers.set(r.key, r);
    this.save();
  }

  deleteReceiver(key: string): void {
    this.receivers.delete(key);
    this.save();
  }

  putSplit(s: SplitRecord): void {
    this.splits.set(s.key, s);
    this.save();
  }

  putReturn(r: ReturnRecord): void {
    this.returns.set(r.key, r);
    this.save();
  }

  splitsOf(transactionId: string): SplitRecord[] {
    return [...this.splits.values()].filter((s) => s.transactionId === transactionId);
  }

  splitByOrderId(orderId: string): SplitRecord | undefined {
    for (const s of this.splits.values()) if (s.orderId === orderId) return s;
    return undefined;
  }

  /** Admin lookups by the merchant's own number alone (the control API has no mchid). */
  splitByOutOrderNo(outOrderNo: string): SplitRecord | undefined {
    for (const s of this.splits.values()) if (s.outOrderNo === outOrderNo) return s;
    return undefined;
  }

  returnByOutReturnNo(outReturnNo: string): ReturnRecord | undefined {
    for (const r of this.returns.values()) if (r.outReturnNo === outReturnNo) return r;
    return undefined;
  }

  snapshot(): ProfitSharingSnapshot {
    return {
      receivers: [...this.receivers.values()],
      splits: [...this.splits.values()],
      returns: [...this.returns.values()],
      ...(this.notifyUrl ? { notifyUrl: this.notifyUrl } : {}),
    };
  }
}
