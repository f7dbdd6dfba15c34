// Payment code in the sandbox, raw on the wire (docs/protocol.md §18): the strict body (the code's shape, device_ip
// required, no notify_url), USERPAYING as a signed 202 that a same-body resend repeats, a late password through the
// admin API, reverse as a signed 204 that closes or refunds and can be repeated, and what reverse refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('cert'));
});
afterAll(async () => {
  await t.sb.close();
});

const body = (no: string, authCode: string, extra: Record<string, unknown> = {}) => ({
  appid: t.init.appid,
  mchid: t.init.mchid,
  description: 'Tea',
  out_trade_no: no,
  payer: { auth_code: authCode },
  amount: { total: 100, currency: 'CNY' },
  scene_info: { device_ip: '192.0.2.10' },
  ...extra,
});
const submit = (b: object) => t.call('POST', '/v3/pay/transactions/codepay', b);
const reverse = (no: string) =>
  t.call('POST', `/v3/pay/transactions/out-trade-no/${no}/reverse`, { appid: t.init.appid, mchid: t.init.mchid });
const query = async (no: string) =>
  (await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`)).json as {
    trade_state: string;
    transaction_id?: string;
  };

describe('sandbox payment code', () => {
  it('refuses a malformed code, a missing device_ip and a notify_url (strict fields)', async () => {
    const no = uniqueNo('CP');
    for (const b of [
      body(no, '164567890123456789'),
      body(no, '1345678901234567'),
      { ...body(no, '134567890123456789'), scene_info: {} },
      body(no, '134567890123456789', { notify_url: 'https://example.com/n' }),
    ]) {
      const r = await submit(b);
      expect([r.status, r.json.code]).toEqual([400, 'PARAM_ERROR']);
    }
  });

  it('USERPAYING is a signed 202; a resend with the same body repeats it; a late password pays it', async () => {
    const no = uniqueNo('CP');
    const first = await submit(body(no, '131200000000000001'));
    expect([first.status, first.json]).toEqual([202, { code: 'USERPAYING', message: '用户支付中，需要输入密码' }]);
    expect(first.headers['wechatpay-signature']).toBeTruthy();
    expect((await submit(body(no, '131200000000000001'))).status).toBe(202);
    expect((await submit(body(no, '131200000000000002'))).json.code).toBe('OUT_TRADE_NO_USED');
    expect((await query(no)).trade_state).toBe('USERPAYING');
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
    const again = await submit(body(no, '131200000000000001'));
    expect([again.status, again.json.trade_state, again.json.trade_type]).toEqual([200, 'SUCCESS', 'MICROPAY']);
  });

  it('reverse: USERPAYING -> REVOKED (204, signed), again 204; the resend then answers ORDER_CLOSED', async () => {
    const no = uniqueNo('CP');
    await submit(body(no, '131200000000000001'));
    const r = await reverse(no);
    expect([r.status, r.body.length]).toEqual([204, 0]);
    expect(r.headers['wechatpay-signature']).toBeTruthy();
    expect((await query(no)).trade_state).toBe('REVOKED');
    expect((await reverse(no)).status).toBe(204);
    expect((await submit(body(no, '131200000000000001'))).json.code).toBe('ORDER_CLOSED');
  });

  it('reverse refuses an order that is not a payment-code one, and one that does not exist', async () => {
    const no = uniqueNo('CP');
    const prepay = await t.call('POST', '/v3/pay/transactions/native', {
      appid: t.init.appid,
      mchid: t.init.mchid,
      description: 'Tea',
      out_trade_no: no,
      notify_url: 'http://127.0.0.1:9/n',
      amount: { total: 1 },
    });
    expect(prepay.status).toBe(200);
    expect([(await reverse(no)).status, (await reverse(no)).json.code]).toEqual([400, 'INVALID_REQUEST']);
    expect((await reverse(uniqueNo('CP'))).json.code).toBe('ORDER_NOT_EXIST');
  });
});
