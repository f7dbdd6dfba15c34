// Issue 22: the sandbox answers as production does where apps branch on the answer. One test per row of the issue's
// table, each citing where production's behaviour is known from (the same sources as docs/protocol.md §11
// "Fidelity model"). The sandbox runs on a clock the tests move, and requests are signed at that time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
let clock = Date.parse('2026-06-07T12:00:00+08:00');
let t: TestSandbox;

beforeAll(async () => {
  const init = await sandboxKeySet('cert');
  t = await startTestSandbox(init, { autoRefundMs: -1, refundSpacingMs: 60_000, now: () => clock });
});
afterAll(() => t.sb.close());

const call = (method: string, target: string, body?: object, headers?: Record<string, string>) =>
  t.call(method, target, body, { timestamp: String(Math.floor(clock / 1000)), ...(headers ? { headers } : {}) });
const native = (no: string, extra: object = {}) => ({ ...jsapiBody(t.init, no), payer: undefined, ...extra });
const query = (no: string) => call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
async function paidOrder(total = 100): Promise<string> {
  const no = uniqueNo();
  expect(
    (await call('POST', '/v3/pay/transactions/native', native(no, { amount: { total, currency: 'CNY' } }))).status,
  ).toBe(200);
  expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
  return no;
}
const refund = (no: string, outRefundNo: string, amount: number, total = 100) =>
  call('POST', '/v3/refund/domestic/refunds', {
    out_trade_no: no,
    out_refund_no: outRefundNo,
    amount: { refund: amount, total, currency: 'CNY' },
  });

describe('sandbox fidelity (issue 22)', () => {
  // Row 1. Captured v3 answers: developers.weixin.qq.com/community/pay/doc/000200385bc3f8838282964b96bc00 and
  // …/doc/000c86698204e078e252aef9561000 ("code":"INVALID_REQUEST","message":"申请退款金额超过订单可退金额").
  // NOT_ENOUGH is the merchant's balance ("基本账户余额不足，请充值后重新发起", github.com/binarywang/WxJava/issues/716).
  it('row 1: a refund over what remains is 400 INVALID_REQUEST 申请退款金额超过订单可退金额, never NOT_ENOUGH', async () => {
    const no = await paidOrder();
    expect((await refund(no, uniqueNo('R'), 60)).status).toBe(200);
    clock += MIN;
    const over = await refund(no, uniqueNo('R'), 50);
    expect(over.status).toBe(400);
    expect(over.json).toEqual({ code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' });
  });

  // Row 2. A captured answer counts 字节数 ("…字符串规则校验失败，字节数 22，大于最大值 16",
  // developers.weixin.qq.com/community/personal/oCJUsw-ubw6Sajw0lCPX2CAdOu7g/question); issue 22 quotes attach
  // "字节数 203，大于最大值 128". description: the v3 pages say "不能超过127个字符" (characters),
  // pay.weixin.qq.com/docs/merchant/products/jsapi-payment/apilist.html.
  it('row 2: attach is counted in bytes, description in characters', async () => {
    const attach43 = '汉'.repeat(43);
    const tooLong = await call('POST', '/v3/pay/transactions/native', native(uniqueNo(), { attach: attach43 }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toEqual({
      code: 'PARAM_ERROR',
      message: '输入源“/body/attach”映射到值字段“附加数据”字符串规则校验失败，字节数 129，大于最大值 128',
      detail: { location: 'body', value: 129 },
    });
    expect(
      (await call('POST', '/v3/pay/transactions/native', native(uniqueNo(), { attach: '汉'.repeat(42) }))).status,
    ).toBe(200);
    const desc127 = await call(
      'POST',
      '/v3/pay/transactions/native',
      native(uniqueNo(), { description: '汉'.repeat(127) }),
    );
    expect(desc127.status).toBe(200);
    const desc128 = await call(
      'POST',
      '/v3/pay/transactions/native',
      native(uniqueNo(), { description: '汉'.repeat(128) }),
    );
    expect(desc128.json).toMatchObject({
      message: expect.stringContaining('字符数 128，大于最大值 127'),
      detail: { value: 128 },
    });
  });

  // Row 3. The JSAPI prepay page (pay.weixin.qq.com/doc/v3/merchant/4012525167): time_expire is the last moment to
  // pay, "并非订单关闭的时间"; earlier than order time + 1 minute it becomes + 1 minute, beyond 90 days it becomes the
  // 90th day. The JSAPI development guide (pay.weixin.qq.com/docs/merchant/products/jsapi-payment/development.html):
  // paying later is refused ("订单已超过商户设置的最晚支付成功时间，请重新发起支付") and the merchant closes the order;
  // without time_expire the order can be paid for 7 days and is then closed.
  it('row 3: time_expire is a pay deadline moved into [+1 min, +90 days], never a close', async () => {
    const created = clock;
    const soon = uniqueNo();
    const rfc = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
    await call('POST', '/v3/pay/transactions/native', native(soon, { time_expire: rfc(created + 5_000) }));
    clock = created + 30_000; // past the requested +5 s, inside the +1 minute it was moved to
    expect((await query(soon)).json.trade_state).toBe('NOTPAY');
    expect((await t.admin('POST', `/sandbox/orders/${soon}/pay`)).json.trade_state).toBe('SUCCESS');

    const past = uniqueNo();
    clock = created;
    await call('POST', '/v3/pay/transactions/native', native(past, { time_expire: rfc(created - DAY) }));
    clock = created + 61_000;
    const late = await t.admin('POST', `/sandbox/orders/${past}/pay`);
    expect(late.status).toBe(409);
    expect(late.json.message).toBe('订单已超过商户设置的最晚支付成功时间，请重新发起支付');
    clock = created + 30 * DAY;
    expect((await query(past)).json.trade_state).toBe('NOTPAY');

    const far = uniqueNo();
    clock = created;
    await call('POST', '/v3/pay/transactions/native', native(far, { time_expire: rfc(created + 200 * DAY) }));
    clock = created + 91 * DAY;
    expect((await t.admin('POST', `/sandbox/orders/${far}/pay`)).status).toBe(409);

    const plain = uniqueNo();
    clock = created;
    await call('POST', '/v3/pay/transactions/native', native(plain));
    clock = created + 7 * DAY - 1_000;
    expect((await query(plain)).json.trade_state).toBe('NOTPAY');
    clock = created + 7 * DAY;
    expect((await query(plain)).json.trade_state).toBe('CLOSED');
    clock = created;
  });

  // Row 4. Captured answers carry detail {location, value} and no field/issue: developers.weixin.qq.com/community/
  // personal/oCJUsw4y5AHUK18HUpK3NSYUGY0Y/question ({"location":"uri_template","value":4} "…字节数 4，小于最小值 6");
  // undefined fields: github.com/ArtisanCloud/PowerWeChat/issues/5 ("请求中含有未在API文档中定义的参数",
  // {"location":null,"value":["/body/appid","/body/mchid"]}). The integer and RFC 3339 wording is issue 22's quote.
  it('row 4: PARAM_ERROR bodies are worded and shaped as captured answers', async () => {
    const base = native(uniqueNo());
    const cases: Array<[object, string, unknown]> = [
      [
        { ...base, out_trade_no: 'abc' },
        '输入源“/body/out_trade_no”映射到值字段“商户订单号”字符串规则校验失败，字节数 3，小于最小值 6',
        3,
      ],
      [
        { ...base, amount: { total: '100' } },
        '输入源“/body/amount/total”映射到值字段“总金额”类型校验失败，此字段需要一个合法的 64 位有符号整数',
        '100',
      ],
      [
        { ...base, time_expire: 'tomorrow' },
        '输入源“/body/time_expire”映射到值字段“支付结束时间”字符串规则校验失败，必须是符合 RFC3339 日期时间格式',
        'tomorrow',
      ],
    ];
    for (const [body, message, value] of cases) {
      const r = await call('POST', '/v3/pay/transactions/native', body);
      expect(r.status, message).toBe(400);
      expect(r.json, message).toEqual({ code: 'PARAM_ERROR', message, detail: { location: 'body', value } });
    }
    const extra = await call('POST', '/v3/pay/transactions/native', { ...base, foo: 1, amount: { total: 1, bar: 2 } });
    expect(extra.json).toEqual({
      code: 'PARAM_ERROR',
      message: '请求中含有未在API文档中定义的参数 (sandbox: stricter than production)',
      detail: { location: null, value: ['/body/foo'] },
    });
  });

  // Row 5. The bill FAQ (pay.weixin.qq.com/doc/v3/merchant/4013071254): STATEMENT_CREATING means "apply after 10:00
  // the next day, then every half hour until the bill or NO_STATEMENT_EXIST"; the trade-bill page: "微信支付在每日10点
  // 后生成昨日交易账单文件".
  it('row 5: a bill for today, or for yesterday before 10:00, is 400 STATEMENT_CREATING', async () => {
    clock = Date.parse('2026-06-09T09:59:00+08:00');
    const bill = (date: string, extra = '') => call('GET', `/v3/bill/tradebill?bill_date=${date}${extra}`);
    for (const date of ['2026-06-09', '2026-06-08']) {
      const r = await bill(date);
      expect(r.status, date).toBe(400);
      expect(r.json, date).toEqual({ code: 'STATEMENT_CREATING', message: '账单生成中' });
    }
    clock = Date.parse('2026-06-09T10:00:00+08:00');
    expect((await bill('2026-06-08')).json).toEqual({ code: 'NO_STATEMENT_EXIST', message: '请求的账单文件不存在' });
    clock = Date.parse('2026-06-07T12:00:00+08:00');
  });

  // Row 6. The refund page (pay.weixin.qq.com/doc/v3/merchant/4012556457): "同一笔订单多次退款的请求需相隔1分钟". No
  // page names the code; FREQUENCY_LIMITED (429) is our choice, so clients treat it as "slow down and retry".
  it('row 6: a second refund of one order within a minute is 429 FREQUENCY_LIMITED', async () => {
    const no = await paidOrder();
    expect((await refund(no, uniqueNo('R'), 10)).status).toBe(200);
    clock += 59_000;
    const soon = await refund(no, uniqueNo('R'), 10);
    expect(soon.status).toBe(429);
    expect(soon.json).toEqual({ code: 'FREQUENCY_LIMITED', message: '同一笔订单多次退款的请求需相隔1分钟' });
    clock += 1_000;
    expect((await refund(no, uniqueNo('R'), 10)).status).toBe(200);
  });

  // Row 7. Captured: 400 PARAM_ERROR {"location":"uri_template","value":35} "…字节数 35，大于最大值 32" (issue 22), and
  // the same shape for a short one (oCJUsw4y5AHUK18HUpK3NSYUGY0Y above), not ORDER_NOT_EXIST.
  it('row 7: an out_trade_no over 32 bytes in a path is 400 PARAM_ERROR at uri_template', async () => {
    const long = 'A'.repeat(35);
    const r = await query(long);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      code: 'PARAM_ERROR',
      message: '输入源“/uri_template/out_trade_no”映射到值字段“商户订单号”字符串规则校验失败，字节数 35，大于最大值 32',
      detail: { location: 'uri_template', value: 35 },
    });
    const close = await call('POST', `/v3/pay/transactions/out-trade-no/abcd/close`, { mchid: t.init.mchid });
    expect(close.json).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'uri_template', value: 4 } });
  });

  // Row 8. The trade-bill page (pay.weixin.qq.com/doc/v3/merchant/4012556654) and the catalogue's tradebill.yaml
  // (TheNorthMemory/wechatpay-openapi docs/v3/bill/tradebill.yaml) list RECHARGE_REFUND, ALL_SPECIAL, SUC_SPECIAL,
  // REF_SPECIAL besides ALL, SUCCESS, REFUND.
  it('row 8: bill_type accepts RECHARGE_REFUND and the *_SPECIAL types', async () => {
    clock = Date.parse('2026-06-07T12:00:00+08:00');
    await paidOrder();
    clock = Date.parse('2026-06-08T11:00:00+08:00');
    for (const type of ['ALL_SPECIAL', 'SUC_SPECIAL', 'REF_SPECIAL', 'ALL']) {
      const r = await call('GET', `/v3/bill/tradebill?bill_date=2026-06-07&bill_type=${type}`);
      expect(r.status === 200 || r.json.code === 'NO_STATEMENT_EXIST', `${type}: ${r.text}`).toBe(true);
      expect(r.json.code, type).not.toBe('PARAM_ERROR');
    }
    const recharge = await call('GET', '/v3/bill/tradebill?bill_date=2026-06-07&bill_type=RECHARGE_REFUND');
    expect(recharge.json).toEqual({ code: 'NO_STATEMENT_EXIST', message: '请求的账单文件不存在' });
    expect((await call('GET', '/v3/bill/tradebill?bill_date=2026-06-07&bill_type=FOO')).json.code).toBe('PARAM_ERROR');
    clock = Date.parse('2026-06-07T12:00:00+08:00');
  });

  // Row 9. The catalogue's prepay files (TheNorthMemory/wechatpay-openapi docs/v3/pay/transactions/native.yaml,
  // updated 2024.12.03) define payer.identity {type, number, name} (实名支付), number and name encrypted.
  it('row 9: Native prepay accepts payer.identity (with Wechatpay-Serial) and never echoes it', async () => {
    const no = uniqueNo();
    const identity = { type: 'IDCARD', number: 'ZW5jcnlwdGVk', name: 'ZW5jcnlwdGVk' };
    const noSerial = await call('POST', '/v3/pay/transactions/native', native(no, { payer: { identity } }));
    expect(noSerial.json).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'header' } });
    const ok = await call('POST', '/v3/pay/transactions/native', native(no, { payer: { identity } }), {
      'Wechatpay-Serial': t.init.platformSerial,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.code_url).toMatch(/^weixin:\/\//);
    expect((await query(no)).json.payer).toBeUndefined();
  });

  // Row 10. Enumerations.yaml of the catalogue and a WeChat Pay answer (developers.weixin.qq.com/community/pay/doc/
  // 0006625bfdcde85e883d1d3ec51400): REVOKED, USERPAYING and PAYERROR are payment-code states; the JSAPI development
  // guide: "若用户支付失败，订单状态不变".
  it('row 10: a failed payment leaves a Native order NOTPAY, and it can still be paid', async () => {
    const no = uniqueNo();
    await call('POST', '/v3/pay/transactions/native', native(no));
    const failed = await t.admin('POST', `/sandbox/orders/${no}/fail`);
    expect(failed.json.trade_state).toBe('NOTPAY');
    expect((await query(no)).json).toMatchObject({ trade_state: 'NOTPAY', trade_state_desc: '订单未支付' });
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).json.trade_state).toBe('SUCCESS');
  });

  // Row 11. TheNorthMemory/wechatpay-openapi docs/v3/billdownload/file.yaml: produces text/plain, application/x-gzip.
  it('row 11: the bill download is text/plain, or application/x-gzip when gzip was asked for', async () => {
    clock = Date.parse('2026-06-07T12:00:00+08:00');
    await paidOrder();
    clock = Date.parse('2026-06-08T11:00:00+08:00');
    for (const [tar, type] of [
      ['', 'text/plain'],
      ['&tar_type=GZIP', 'application/x-gzip'],
    ] as const) {
      const apply = await call('GET', `/v3/bill/tradebill?bill_date=2026-06-07${tar}`);
      expect(apply.status, apply.text).toBe(200);
      const file = await call(
        'GET',
        new URL(apply.json.download_url).pathname + new URL(apply.json.download_url).search,
      );
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe(type);
      const text = (tar ? gunzipSync(file.body) : file.body).toString('utf8');
      expect(text.split('\n')[0]).toMatch(/^交易时间,/);
    }
    clock = Date.parse('2026-06-07T12:00:00+08:00');
  });

  // Row 12. A real TRANSACTION.SUCCESS quoted in developers.weixin.qq.com/community/personal/
  // oCJUsw3dROr9G4wq60FhNjbRB4_Q/question has "id":"e86681ba-58b8-5574-a01e-7ebe22e4e8bf" (a UUID); the doc examples
  // show "EV-2018022511223320873" and type it string(36). The sandbox keeps the UUID form seen live.
  it('row 12: notification ids are 36-character UUIDs, as a captured notification shows', async () => {
    const no = uniqueNo();
    await call('POST', '/v3/pay/transactions/native', native(no, { notify_url: 'http://127.0.0.1:9/notify' }));
    await t.admin('POST', `/sandbox/orders/${no}/pay`);
    const list = (await t.admin('GET', '/sandbox/notifications')).json.data as Array<{
      id: string;
      outTradeNo?: string;
    }>;
    const mine = list.find((d) => d.outTradeNo === no);
    expect(mine?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
