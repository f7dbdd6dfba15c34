// Request bodies of the simulated endpoints (docs/protocol.md §5): prepay (direct and partner), close and refund.
// Fields the real API defines are allowed; anything else is an undefined field and answers PARAM_ERROR.
import type { Schema } from './validate.js';

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

export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const NOTIFY_URL = /^https?:\/\/[^\s?#]+$/;

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
const sceneInfo = (h5: boolean): Schema =>
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
  description: req(str(127, { label: '商品描述' })),
  out_trade_no: req({ type: 'string', pattern: OUT_TRADE_NO, label: '商户订单号' }),
  time_expire: { type: 'string', pattern: RFC3339, label: '交易结束时间' },
  attach: str(128, { label: '附加数据' }),
  notify_url: req({ type: 'string', max: 255, pattern: NOTIFY_URL, label: '通知地址' }),
  goods_tag: str(32),
  limit_pay: { type: 'array', items: str(32), maxItems: 1 },
  support_fapiao: { type: 'boolean' },
  amount,
  detail: obj({ cost_price: int(0), invoice_id: str(32), goods_detail: goodsDetail }),
  settle_info: obj({ profit_sharing: { type: 'boolean' } }),
};

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
      ? {}
      : partner
        ? { payer: obj({ sp_openid: str(128), sub_openid: str(128) }, true) }
        : { payer: obj({ openid: req(str(128, { label: '用户标识' })) }, true) };
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
    transaction_id: str(32),
    out_trade_no: { type: 'string', pattern: OUT_TRADE_NO, label: '商户订单号' },
    out_refund_no: req({ type: 'string', pattern: OUT_REFUND_NO, label: '商户退款单号' }),
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
