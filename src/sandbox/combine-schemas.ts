// Request bodies of the simulated combine (合单) endpoints (docs/protocol.md §17): prepay and close. Built from the
// same field rules as the direct prepay in sandbox/schemas.ts.
import type { Schema } from './validate.js';
import { NOTIFY_URL, int, obj, outTradeNo, req, sceneInfo, str, type PrepayKind } from './schemas.js';

/** Combine prepay (docs/protocol.md §17): sub_orders carry their own mchid, amount (total_amount) and attach. */
export const combinePrepaySchema = (kind: PrepayKind): Schema =>
  obj(
    {
      combine_appid: req(str(32, { label: '合单发起方的appid' })),
      combine_mchid: req(str(32, { label: '合单发起方商户号' })),
      combine_out_trade_no: req({ ...outTradeNo, label: '合单商户订单号' }),
      scene_info: sceneInfo(kind === 'h5'),
      sub_orders: req({
        type: 'array',
        maxItems: 50,
        items: obj({
          mchid: req(str(32, { label: '子单商户号' })),
          attach: req(str(128, { label: '附加数据' })),
          amount: obj({ total_amount: req({ ...int(1), label: '标价金额' }), currency: req(str(8)) }, true),
          out_trade_no: req(outTradeNo),
          description: req(str(127, { label: '商品描述', unit: 'chars' })),
          goods_tag: str(32),
          settle_info: obj({ profit_sharing: { type: 'boolean' }, subsidy_amount: int(0) }),
        }),
      }),
      combine_payer_info: obj({ openid: req(str(128, { label: '用户标识' })) }, kind === 'jsapi'),
      time_start: { type: 'string', format: 'rfc3339', max: 64 },
      time_expire: { type: 'string', format: 'rfc3339', max: 64, label: '交易结束时间' },
      notify_url: req({ type: 'string', max: 256, pattern: NOTIFY_URL, label: '通知地址' }),
    },
    true,
  );

export const combineCloseSchema: Schema = obj(
  {
    combine_appid: req(str(32, { label: '合单发起方的appid' })),
    sub_orders: req({
      type: 'array',
      maxItems: 50,
      items: obj({ mchid: req(str(32)), out_trade_no: req(outTradeNo), sub_mchid: str(32), sub_appid: str(32) }),
    }),
  },
  true,
);
