// Request bodies of profit sharing and the abnormal refund (docs/protocol.md §15, §16), as the endpoint catalogue
// lists them. out_order_no and out_return_no take the same characters as out_refund_no (digits, letters, _-|*@).
import { RECEIVER_TYPES } from '../api/profitsharing.js';
import { RELATION_TYPES } from '../api/profitsharing-receivers.js';
import { ABNORMAL_REFUND_TYPES } from '../api/refunds.js';
import { OUT_REFUND_NO_CHARS, OUT_REFUND_NO_LENGTH } from '../protocol/ids.js';
import { int, obj, req, str } from './schemas.js';
import type { Schema } from './validate.js';

const outNoRule = { type: 'string', ...OUT_REFUND_NO_LENGTH, pattern: OUT_REFUND_NO_CHARS } as const;
const outNo = (label: string): Schema => req({ ...outNoRule, label });
const receiverType = req({ type: 'string', enum: RECEIVER_TYPES, label: '分账接收方类型' });
/** A ciphertext: RSA-2048 OAEP, base64, so well under this bound. */
const sealed = str(1024);

export const splitSchema: Schema = obj(
  {
    sub_mchid: str(32),
    appid: str(32),
    sub_appid: str(32),
    transaction_id: req(str(32, { label: '微信订单号' })),
    out_order_no: outNo('商户分账单号'),
    receivers: req({
      type: 'array',
      maxItems: 50,
      label: '分账接收方列表',
      items: obj(
        {
          type: receiverType,
          account: req(str(64, { label: '分账接收方帐号' })),
          name: sealed,
          amount: req({ ...int(1), label: '分账金额' }),
          description: req(str(80, { label: '分账描述' })),
        },
        true,
      ),
    }),
    unfreeze_unsplit: req({ type: 'boolean', label: '是否解冻剩余未分资金' }),
  },
  true,
);

export const unfreezeSchema: Schema = obj(
  {
    sub_mchid: str(32),
    transaction_id: req(str(32, { label: '微信订单号' })),
    out_order_no: outNo('商户分账单号'),
    description: req(str(80, { label: '分账描述' })),
  },
  true,
);

export const returnSchema: Schema = obj(
  {
    sub_mchid: str(32),
    order_id: str(64),
    out_order_no: { ...outNoRule, label: '商户分账单号' },
    out_return_no: outNo('商户回退单号'),
    return_mchid: req(str(32, { label: '回退商户号' })),
    amount: req({ ...int(1), label: '回退金额' }),
    description: req(str(80, { label: '回退描述' })),
  },
  true,
);

const receiverIds = {
  sub_mchid: str(32),
  appid: req(str(32, { label: '应用ID' })),
  sub_appid: str(32),
  type: receiverType,
  account: req(str(64, { label: '分账接收方帐号' })),
};

export const addReceiverSchema: Schema = obj(
  {
    ...receiverIds,
    name: sealed,
    relation_type: req({ type: 'string', enum: RELATION_TYPES, label: '与分账方的关系类型' }),
    custom_relation: str(10),
  },
  true,
);

export const deleteReceiverSchema: Schema = obj(receiverIds, true);

/** The banks an abnormal refund may go to (the catalogue's enumeration). */
export const BANK_TYPES = [
  'CMB_DEBIT',
  'COMM_DEBIT',
  'ABC_DEBIT',
  'CCB_DEBIT',
  'ICBC_DEBIT',
  'BOC_DEBIT',
  'PAB_DEBIT',
  'SPDB_DEBIT',
  'CITIC_DEBIT',
  'CEB_DEBIT',
  'CMBC_DEBIT',
  'CIB_DEBIT',
  'GDB_DEBIT',
  'PSBC_DEBIT',
  'NBCB_DEBIT',
] as const;

export const abnormalRefundSchema: Schema = obj(
  {
    sub_mchid: str(32),
    out_refund_no: outNo('商户退款单号'),
    type: req({ type: 'string', enum: ABNORMAL_REFUND_TYPES, label: '异常退款处理方式' }),
    bank_type: { type: 'string', enum: BANK_TYPES, label: '开户银行' },
    bank_account: sealed,
    real_name: sealed,
  },
  true,
);
