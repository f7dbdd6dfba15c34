// Request bodies of the simulated endpoints (docs/protocol.md §5): prepay (direct and partner), close and refund.
// Fields the real API defines are allowed; anything else is an undefined field and answers PARAM_ERROR. Lengths
// count UTF-8 bytes unless `unit: 'chars'` (docs/protocol.md §11 "Length rules", which a test checks this against).
import { lengthError, patternError, sourceOf, textLength } from './param-rules.js';
import type { Schema } from './validate.js';
import {
  OUT_REFUND_NO_CHARS as OUT_REFUND_NO,
  OUT_REFUND_NO_LENGTH,
  OUT_TRADE_NO_CHARS as OUT_TRADE_NO,
  OUT_TRADE_NO_LENGTH,
} from '../protocol/ids.js';

type Fields = Record<string, Schema>;
export const str = (max: number, extra: Partial<Extract<Schema, { type: 'string' }>> = {}): Schema => ({
  type: 'string',
  min: 1,
  max,
  ...extra,
});
export const req = (s: Schema): Schema => ({ ...s, required: true });
export const int = (min = 0): Schema => ({ type: 'integer', min });
export const obj = (fields: Fields, required = false): Schema => ({ type: 'object', fields, required });

/** out_trade_no in a body or a path: 6 to 32 bytes (captured answers count 字节数 for both). */
export const outTradeNo: Schema = {
  type: 'string',
  ...OUT_TRADE_NO_LENGTH,
  pattern: OUT_TRADE_NO,
  label: '商户订单号',
};
/**
 * out_trade_no from a path: a captured answer refuses a 35-byte one with 400 PARAM_ERROR
 * {"location":"uri_template","value":35} "…字节数 35，大于最大值 32" before looking for the order.
 */
export function outTradeNoInPath(value: string): string {
  const source = sourceOf('uri_template', 'out_trade_no');
  const length = textLength(value, 'bytes');
  const { min, max } = OUT_TRADE_NO_LENGTH;
  if (length < min || length > max) {
    const rule = length < min ? { bound: min, side: 'min' as const } : { bound: max, side: 'max' as const };
    throw lengthError(source, '商户订单号', length, { unit: 'bytes', ...rule }, 'uri_template');
  }
  if (!OUT_TRADE_NO.test(value)) throw patternError(source, '商户订单号', OUT_TRADE_NO, value, 'uri_template');
  return value;
}

export const NOTIFY_URL = /^https?:\/\/[^\s?#]+$/;

const IDENTITY_TYPES = [
  'IDCARD',
  'HONGKONG_MACAO',
  'HONGKONG_MACAO_RESIDENT',
  'TAIWAN_RESIDENT',
  'FOREIGN_RESIDENT',
  'OVERSEA_PASSPORT',
  'PHONE_NUMBER',
] as const;

const amount = obj(
  { total: req({ ...int(1), label: '总金额' }), currency: { type: 'string', enum: ['CNY'], label: '货币类型' } },
  true,
);
const goodsDetail: Schema = {
  type: 'array',
  maxItems: 6000,
  items: obj({
    merchant_goods_id: req(str(32)),
    wechatpay_goods_id: str(32),
    goods_name: str(256),
    quantity: req(int(1)),
    unit_price: req(int(0)),
  }),
};
export const sceneInfo = (h5: boolean): Schema =>
  obj(
    {
      payer_client_ip: req(str(45, { label: '用户终端IP' })),
      device_id: str(32),
      store_info: obj({ id: req(str(32)), name: str(256), area_code: str(32), address: str(512) }),
      ...(h5
        ? {
            h5_info: req(
              obj({
                type: req({ type: 'string', enum: ['iOS', 'Android', 'Wap'], label: '场景类型' }),
                app_name: str(64),
                app_url: str(128),
                bundle_id: str(128),
                package_name: str(128),
              }),
            ),
          }
        : {}),
    },
    h5,
  );

const common: Fields = {
  // The v3 pages: "不能超过127个字符" (characters), unlike attach, which real answers count in bytes.
  description: req(str(127, { label: '商品描述', unit: 'chars' })),
  out_trade_no: req(outTradeNo),
  time_expire: { type: 'string', format: 'rfc3339', max: 64, label: '支付结束时间' },
  attach: str(128, { label: '附加数据' }),
  notify_url: req({ type: 'string', max: 255, pattern: NOTIFY_URL, label: '通知地址' }),
  goods_tag: str(32),
  limit_pay: { type: 'array', items: str(32), maxItems: 1 },
  support_fapiao: { type: 'boolean' },
  amount,
  detail: obj({ cost_price: int(0), invoice_id: str(32), goods_detail: goodsDetail }),
  settle_info: obj({ profit_sharing: { type: 'boolean' } }),
};

/** 实名支付 (since 2024-12 on every prepay): number and name are encrypted to WeChat Pay's key (base64). */
const identity = obj({
  type: req({ type: 'string', enum: IDENTITY_TYPES, label: '证件类型' }),
  number: req(str(2048, { label: '证件号' })),
  name: req(str(2048, { label: '证件姓名' })),
});

export type PrepayKind = 'jsapi' | 'app' | 'h5' | 'native';

export function prepaySchema(kind: PrepayKind, partner: boolean): Schema {
  const ids: Fields = partner
    ? {
        sp_appid: req(str(32, { label: '服务商应用ID' })),
        sp_mchid: req(str(32, { label: '服务商户号' })),
        sub_appid: str(32),
        sub_mchid: req(str(32, { label: '子商户号' })),
      }
    : { appid: req(str(32, { label: '应用ID' })), mchid: req(str(32, { label: '直连商户号' })) };
  const payer: Fields =
    kind !== 'jsapi'
      ? { payer: obj({ identity }) }
      : partner
        ? { payer: obj({ sp_openid: str(128), sub_openid: str(128), identity }, true) }
        : { payer: obj({ openid: req(str(128, { label: '用户标识' })), identity }, true) };
  return obj({ ...ids, ...common, ...payer, scene_info: sceneInfo(kind === 'h5') }, true);
}

export const closeSchema = (partner: boolean): Schema =>
  obj(
    partner ? { sp_mchid: req(str(32)), sub_mchid: req(str(32)) } : { mchid: req(str(32, { label: '直连商户号' })) },
    true,
  );

export const refundSchema: Schema = obj(
  {
    sub_mchid: str(32),
    // A captured refund answer counts transaction_id in characters ("字符数 0，小于最小值 1").
    transaction_id: str(32, { label: '微信支付订单号', unit: 'chars' }),
    out_trade_no: outTradeNo,
    out_refund_no: req({ type: 'string', ...OUT_REFUND_NO_LENGTH, pattern: OUT_REFUND_NO, label: '商户退款单号' }),
    reason: str(80),
    notify_url: { type: 'string', max: 256, pattern: NOTIFY_URL, label: '退款结果回调url' },
    funds_account: { type: 'string', enum: ['AVAILABLE', 'UNSETTLED'] },
    amount: obj(
      {
        refund: req({ ...int(1), label: '退款金额' }),
        from: {
          type: 'array',
          items: obj({ account: req({ type: 'string', enum: ['AVAILABLE', 'UNAVAILABLE'] }), amount: req(int(1)) }),
        },
        total: req({ ...int(1), label: '原订单金额' }),
        currency: req({ type: 'string', enum: ['CNY'], label: '退款币种' }),
      },
      true,
    ),
    goods_detail: {
      type: 'array',
      items: obj({
        merchant_goods_id: req(str(32)),
        wechatpay_goods_id: str(32),
        goods_name: str(256),
        unit_price: req(int(0)),
        refund_amount: req(int(0)),
        refund_quantity: req(int(1)),
      }),
    },
  },
  true,
);
