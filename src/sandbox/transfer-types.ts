// The sandbox's record of one merchant transfer (商家转账, docs/protocol.md §12) and of its electronic receipt.

/** ACCEPTED → PROCESSING → WAIT_USER_CONFIRM → TRANSFERING → SUCCESS | FAIL, and CANCELING → CANCELLED. */
export type TransferState =
  'ACCEPTED' | 'PROCESSING' | 'WAIT_USER_CONFIRM' | 'TRANSFERING' | 'SUCCESS' | 'FAIL' | 'CANCELING' | 'CANCELLED';

export const FINAL_TRANSFER_STATES: readonly TransferState[] = ['SUCCESS', 'FAIL', 'CANCELLED'];

export interface ReceiptRecord {
  state: 'GENERATING' | 'FINISHED' | 'FAILED';
  createTime: number;
  updateTime: number;
  /** SHA256 of the receipt file, upper-case hex, once FINISHED. */
  hashValue?: string;
}

export interface TransferRecord {
  key: string;
  mchid: string;
  appid: string;
  outBillNo: string;
  transferBillNo: string;
  state: TransferState;
  /** Integer fen. */
  amount: number;
  remark: string;
  openid: string;
  /** The payee's name as the sandbox decrypted it from user_name (test data only). */
  userName?: string;
  sceneId: string;
  notifyUrl?: string;
  failReason?: string;
  packageInfo: string;
  /** The validated body minus user_name (whose ciphertext differs on every encryption), to tell a repeat. */
  request: string;
  createTime: number;
  updateTime: number;
  /** Every state the bill went through, in order, with the sandbox time (ms). */
  history: Array<{ state: TransferState; at: number }>;
  receipt?: ReceiptRecord;
}
