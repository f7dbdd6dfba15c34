// Batch input for merchant transfers (docs/protocol.md §12): one row per out_bill_no with openid, amount (fen),
// scene_id, remark and an optional user_name. The same checks the single `transfer create` would meet at WeChat Pay,
// made for every row before anything is sent.
import type { BatchRow } from './types.js';

const OUT_BILL_NO = /^[0-9A-Za-z]{5,32}$/;

export const TRANSFER_COLUMNS = {
  allowed: ['out_bill_no', 'openid', 'amount', 'scene_id', 'remark', 'user_name'],
  required: ['out_bill_no', 'openid', 'amount', 'scene_id', 'remark'],
};

/** The transfer fields of one record; problems go into `p`. `fen` parses the amount as for refunds. */
export function transferFields(
  get: (col: string) => string,
  p: string[],
  fen: (name: string, value: string, problems: string[]) => number | undefined,
): Partial<BatchRow> & { key: string } {
  const outBillNo = get('out_bill_no');
  if (!OUT_BILL_NO.test(outBillNo))
    p.push(outBillNo ? `out_bill_no "${outBillNo}" must be 5-32 letters and digits` : 'out_bill_no is empty');
  const openid = get('openid');
  if (!openid) p.push('openid is empty');
  const amount = fen('amount', get('amount'), p);
  const sceneId = get('scene_id');
  if (!sceneId) p.push('scene_id is empty');
  const remark = get('remark');
  if (!remark) p.push('remark is empty');
  else if ([...remark].length > 32) p.push('remark is longer than 32 characters');
  const userName = get('user_name');
  return {
    key: outBillNo,
    outBillNo,
    openid,
    sceneId,
    remark,
    ...(amount !== undefined ? { amount } : {}),
    ...(userName ? { userName } : {}),
  };
}
