// Issue 22 row 1: the client names production's refusals by code AND message. A refund over what remains is
// INVALID_REQUEST "申请退款金额超过订单可退金额" (captured v3 answers, developers.weixin.qq.com/community/pay/doc/
// 000200385bc3f8838282964b96bc00); NOT_ENOUGH is the merchant's balance ("基本账户余额不足，请充值后重新发起",
// github.com/binarywang/WxJava/issues/716).
import { describe, expect, it } from 'vitest';
import { exceedsRefundable, wechatpayError } from '../../src/http/error.js';

const answer = (code: string, message: string) => Buffer.from(JSON.stringify({ code, message }));

describe('WeChat Pay refusals, by code and message', () => {
  it('INVALID_REQUEST over what remains says so and points at the earlier refunds', () => {
    const e = wechatpayError(400, answer('INVALID_REQUEST', '申请退款金额超过订单可退金额'), 'RID');
    expect(e.message).toBe(
      'WeChat Pay rejected the request (HTTP 400 INVALID_REQUEST: the refund exceeds what remains refundable)',
    );
    expect(e.hint).toMatch(/more than what remains refundable on this order.*wxpay refund query/);
    expect(e.wechatpay).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('another INVALID_REQUEST keeps the generic hint; the code alone decides nothing', () => {
    const e = wechatpayError(400, answer('INVALID_REQUEST', '部分退款次数超过50次'), 'RID');
    expect(e.message).toBe('WeChat Pay rejected the request (HTTP 400 INVALID_REQUEST)');
    expect(e.hint).toMatch(/breaks an API rule/);
    expect(exceedsRefundable({ code: 'PARAM_ERROR', message: '申请退款金额超过订单可退金额' })).toBe(false);
    expect(exceedsRefundable({ code: 'INVALID_REQUEST', message: 'refund_fee大于可退金额' })).toBe(true);
  });

  it('NOT_ENOUGH is the balance, not the order', () => {
    const e = wechatpayError(403, answer('NOT_ENOUGH', '基本账户余额不足，请充值后重新发起'), 'RID');
    expect(e.hint).toMatch(/balance is too low.*基本账户余额不足.*same out_refund_no/);
  });
});
