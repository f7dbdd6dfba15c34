// docs/protocol.md §5 "Bill file layout": the column headers of trade bills (ALL / SUCCESS / REFUND) and fund-flow
// bills, their summary blocks, and the English (snake_case, like the v3 JSON) keys the typed rows use.
// The sandbox writes bills from these same lists, so the writer and the parser cannot drift apart.

export type BillKind = 'trade' | 'fundflow' | 'profitsharing';
export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND';
export type FundAccountType = 'BASIC' | 'OPERATION' | 'FEES';
export const TRADE_BILL_TYPES: readonly TradeBillType[] = ['ALL', 'SUCCESS', 'REFUND'];
export const FUND_ACCOUNT_TYPES: readonly FundAccountType[] = ['BASIC', 'OPERATION', 'FEES'];

/** Chinese column name -> typed key. Columns not listed keep their Chinese name as the key. */
export const COLUMN_KEYS: Readonly<Record<string, string>> = {
  交易时间: 'trade_time',
  公众账号ID: 'appid',
  商户号: 'mchid',
  特约商户号: 'sub_mchid',
  设备号: 'device_info',
  微信订单号: 'transaction_id',
  商户订单号: 'out_trade_no',
  用户标识: 'openid',
  交易类型: 'trade_type',
  交易状态: 'trade_state',
  付款银行: 'bank_type',
  货币种类: 'currency',
  应结订单金额: 'settlement_total',
  代金券金额: 'coupon_amount',
  退款申请时间: 'refund_create_time',
  退款成功时间: 'refund_success_time',
  微信退款单号: 'refund_id',
  商户退款单号: 'out_refund_no',
  退款金额: 'refund_amount',
  充值券退款金额: 'recharge_coupon_refund',
  退款类型: 'refund_type',
  退款状态: 'refund_status',
  商品名称: 'description',
  商户数据包: 'attach',
  手续费: 'fee',
  费率: 'fee_rate',
  订单金额: 'total',
  申请退款金额: 'applied_refund',
  费率备注: 'fee_remark',
  记账时间: 'booking_time',
  微信支付业务单号: 'business_no',
  资金流水单号: 'flow_no',
  业务名称: 'business_name',
  业务类型: 'business_type',
  收支类型: 'direction',
  '收支金额(元)': 'amount',
  '账户结余(元)': 'balance',
  资金变更提交申请人: 'applicant',
  备注: 'remark',
  分账完成时间: 'finish_time',
  分账方商户号: 'sharer_mchid',
  '微信分账/回退单号': 'order_id',
  '商户分账/回退单号': 'out_order_no',
  分账接收方类型: 'receiver_type',
  分账接收方帐号: 'receiver_account',
  '金额(元)': 'split_amount',
  描述: 'description',
  业务凭证号: 'voucher_no',
  // Summary blocks.
  总交易单数: 'total_count',
  应结订单总金额: 'settlement_total',
  退款总金额: 'refund_total',
  充值券退款总金额: 'recharge_coupon_refund_total',
  手续费总金额: 'fee_total',
  订单总金额: 'order_total',
  申请退款总金额: 'applied_refund_total',
  资金流水总笔数: 'total_count',
  收入笔数: 'income_count',
  收入金额: 'income_amount',
  支出笔数: 'expense_count',
  支出金额: 'expense_amount',
};

const TRADE_HEAD = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
];
const REFUND_COLS = ['微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态'];

export const TRADE_COLUMNS: Readonly<Record<TradeBillType, readonly string[]>> = {
  ALL: [
    ...TRADE_HEAD,
    ...REFUND_COLS,
    '商品名称',
    '商户数据包',
    '手续费',
    '费率',
    '订单金额',
    '申请退款金额',
    '费率备注',
  ],
  SUCCESS: [...TRADE_HEAD, '商品名称', '商户数据包', '手续费', '费率', '订单金额', '费率备注'],
  REFUND: [
    ...TRADE_HEAD,
    '退款申请时间',
    '退款成功时间',
    ...REFUND_COLS,
    '商品名称',
    '商户数据包',
    '手续费',
    '费率',
    '订单金额',
    '申请退款金额',
    '费率备注',
  ],
};

export const TRADE_SUMMARY_COLUMNS: Readonly<Record<TradeBillType, readonly string[]>> = {
  ALL: [
    '总交易单数',
    '应结订单总金额',
    '退款总金额',
    '充值券退款总金额',
    '手续费总金额',
    '订单总金额',
    '申请退款总金额',
  ],
  SUCCESS: ['总交易单数', '应结订单总金额', '手续费总金额', '订单总金额'],
  REFUND: [
    '总交易单数',
    '应结订单总金额',
    '退款总金额',
    '充值券退款总金额',
    '手续费总金额',
    '订单总金额',
    '申请退款总金额',
  ],
};

export const FUND_COLUMNS: readonly string[] = [
  '记账时间',
  '微信支付业务单号',
  '资金流水单号',
  '业务名称',
  '业务类型',
  '收支类型',
  '收支金额(元)',
  '账户结余(元)',
  '资金变更提交申请人',
  '备注',
  '业务凭证号',
];
export const FUND_SUMMARY_COLUMNS: readonly string[] = [
  '资金流水总笔数',
  '收入笔数',
  '收入金额',
  '支出笔数',
  '支出金额',
];

/**
 * The profit-sharing bill (docs/protocol.md §15): one row per split or return that succeeded. WeChat Pay's pages
 * describe the file (backticks, yuan, a summary block) but not its columns; these are the sandbox's.
 */
export const PROFITSHARING_COLUMNS: readonly string[] = [
  '分账完成时间',
  '分账方商户号',
  '微信订单号',
  '微信分账/回退单号',
  '商户分账/回退单号',
  '业务类型',
  '分账接收方类型',
  '分账接收方帐号',
  '金额(元)',
  '描述',
];
export const PROFITSHARING_SUMMARY_COLUMNS: readonly string[] = [
  '分账笔数',
  '分账金额(元)',
  '回退笔数',
  '回退金额(元)',
];

/** The first column of each summary header: how a parser tells the summary block from the detail rows. */
export const SUMMARY_FIRST_COLUMNS: readonly string[] = ['总交易单数', '资金流水总笔数', '分账笔数'];

export const keyOf = (column: string): string => COLUMN_KEYS[column] ?? column;

/** Which bill a header line belongs to, from its columns; undefined for an unknown layout. */
export function detectLayout(columns: readonly string[]): { kind: BillKind; type?: TradeBillType } | undefined {
  const same = (a: readonly string[]) => a.length === columns.length && a.every((c, i) => c === columns[i]);
  if (same(FUND_COLUMNS)) return { kind: 'fundflow' };
  if (same(PROFITSHARING_COLUMNS)) return { kind: 'profitsharing' };
  for (const t of TRADE_BILL_TYPES) if (same(TRADE_COLUMNS[t])) return { kind: 'trade', type: t };
  return columns[0] === '交易时间' ? { kind: 'trade' } : columns[0] === '记账时间' ? { kind: 'fundflow' } : undefined;
}
