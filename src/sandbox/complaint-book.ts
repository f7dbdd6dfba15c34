// The sandbox's complaints, uploaded media and complaint notification URL (docs/protocol.md §13, §14): plain records
// kept beside orders and refunds in SandboxState, saved in the same state file.

export type ComplaintState = 'PENDING' | 'PROCESSING' | 'PROCESSED';

export interface HistoryRecord {
  logId: string;
  operator: string;
  /** ms since the epoch */
  time: number;
  type: string;
  details?: string;
  /** Media slots (GET /v3/merchant-service/images/{slot}). */
  images?: string[];
}

export interface ComplaintRecord {
  id: string;
  mchid: string;
  time: number;
  detail: string;
  state: ComplaintState;
  /** RSA-OAEP ciphertext for the merchant's key, made once at creation: the sandbox never keeps the number. */
  phoneCipher: string;
  openid: string;
  orders: Array<{ transaction_id: string; out_trade_no: string; amount: number }>;
  problemType: 'REFUND' | 'SERVICE_NOT_WORK' | 'OTHERS';
  problemDescription: string;
  applyRefundAmount?: number;
  userComplaintTimes: number;
  incomingUserResponse: boolean;
  fullRefunded: boolean;
  userImages: string[];
  history: HistoryRecord[];
}

export interface MediaRecord {
  mediaId: string;
  slot: string;
  purpose: 'complaint' | 'merchant' | 'user';
  filename: string;
  contentType: string;
  /** base64 of the bytes (the state file is JSON). */
  data: string;
}

export interface ComplaintSnapshot {
  complaints: ComplaintRecord[];
  media: MediaRecord[];
  notifyUrls: Array<{ mchid: string; url: string }>;
}

export class ComplaintBook {
  readonly complaints = new Map<string, ComplaintRecord>();
  readonly media = new Map<string, MediaRecord>();
  private readonly bySlot = new Map<string, MediaRecord>();
  readonly notifyUrls = new Map<string, string>();

  load(snap: Partial<ComplaintSnapshot> | undefined): void {
    for (const c of snap?.complaints ?? []) this.complaints.set(c.id, c);
    for (const m of snap?.media ?? []) this.putMedia(m);
    for (const n of snap?.notifyUrls ?? []) this.notifyUrls.set(n.mchid, n.url);
  }

  putMedia(m: MediaRecord): void {
    this.media.set(m.mediaId, m);
    this.bySlot.set(m.slot, m);
  }

  mediaBySlot(slot: string): MediaRecord | undefined {
    return this.bySlot.get(slot);
  }

  snapshot(): ComplaintSnapshot {
    return {
      complaints: [...this.complaints.values()],
      media: [...this.media.values()],
      notifyUrls: [...this.notifyUrls].map(([mchid, url]) => ({ mchid, url })),
    };
  }
}
