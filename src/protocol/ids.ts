// docs/protocol.md §5: the merchant's own numbers (out_trade_no, out_refund_no) and the shapes of WeChat Pay's ids.
// The patterns are written once here and used by prepay, the batch validator and the sandbox's schemas alike.
import { chinaDigits } from './china-time.js';
import { randomDigits } from './serials.js';

/** The characters of out_trade_no. The sandbox quotes this source in its PARAM_ERROR text, as WeChat Pay does. */
export const OUT_TRADE_NO_CHARS = /^[0-9A-Za-z_\-|*]+$/;
/** The characters of out_refund_no: those of out_trade_no and `@`. */
export const OUT_REFUND_NO_CHARS = /^[0-9A-Za-z_\-|*@]+$/;
/** Lengths in bytes; every allowed character is ASCII, so also in characters. */
export const OUT_TRADE_NO_LENGTH = { min: 6, max: 32 } as const;
export const OUT_REFUND_NO_LENGTH = { min: 1, max: 64 } as const;

const fits = (value: string, chars: RegExp, length: { min: number; max: number }): boolean =>
  chars.test(value) && value.length >= length.min && value.length <= length.max;
/** A whole out_trade_no: 6 to 32 of digits, letters, `_ - | *`. */
export const isOutTradeNo = (value: string): boolean => fits(value, OUT_TRADE_NO_CHARS, OUT_TRADE_NO_LENGTH);
/** A whole out_refund_no: 1 to 64 of digits, letters, `_ - | * @`. */
export const isOutRefundNo = (value: string): boolean => fits(value, OUT_REFUND_NO_CHARS, OUT_REFUND_NO_LENGTH);
/**
 * A WeChat payment code (付款码, docs/protocol.md §18): 18 digits starting 10 to 15 (10-14 mainland users, 15 Hong
 * Kong ones). It lives one minute and is single-use, so a bad one is refused before anything is sent.
 */
export const AUTH_CODE = /^1[0-5]\d{16}$/;
/** transaction_id as a merchant may give it: 1 to 32 letters or digits. */
export const TRANSACTION_ID = /^[0-9A-Za-z]{1,32}$/;

/** WeChat Pay's own ids, in their real shapes (prefix, China-time date digits, random digits); the sandbox's. */
export const newWechatIds = {
  prepayId: (ms: number): string => `wx${chinaDigits(ms)}${randomDigits(20)}`,
  transactionId: (ms: number): string => `4200${randomDigits(6)}${chinaDigits(ms).slice(0, 8)}${randomDigits(10)}`,
  refundId: (ms: number): string => `5030${randomDigits(6)}${chinaDigits(ms).slice(0, 8)}${randomDigits(11)}`,
  /** A merchant transfer's transfer_bill_no (docs/protocol.md §12): 40 digits, like 1330000071100999991182020050700019480001. */
  transferBillNo: (ms: number): string => `1330${randomDigits(14)}${chinaDigits(ms).slice(0, 8)}${randomDigits(14)}`,
  /** 27 digits, e.g. 200201820200101080076610000. */
  complaintId: (ms: number): string => `2000${chinaDigits(ms).slice(0, 8)}${randomDigits(15)}`,
  /** A negotiation history log_id, 27 digits, e.g. 300285320210322170000071077. */
  complaintLogId: (ms: number): string => `3002${chinaDigits(ms).slice(0, 8)}${randomDigits(15)}`,
};
