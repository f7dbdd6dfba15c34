// Issue 21, the simulated payer: the code_url / h5_url a prepay answers lead to the order's payer page through an
// unguessable token, and the payer's Pay / Fail / Cancel and the paysign checks behave as the WeChat client and
// WeChat Pay do (docs/protocol.md §11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsapiPayParams, appPayParams } from '../../src/protocol/sign.js';
import { isPayToken, payerPageUrl } from '../../src/sandbox/pay-links.js';
import { payerCancel, payerFail, payerPay, payerView } from '../../src/sandbox/payer.js';
import { checkPaysign } from '../../src/sandbox/paysign-check.js';
import { receiver, waitFor } from '../helpers/receiver.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
let rcv: Awaited<ReturnType<typeof receiver>>;
beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('pubkey'));
  rcv = await receiver();
});
afterAll(async () => {
  await t.sb.close();
  rcv.server.close();
});

const body = (no: string) => {
  const { payer: _, ...rest } = jsapiBody(t.init, no, rcv.url);
  return rest;
};
const h5Body = (no: string) => ({
  ...body(no),
  scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } },
});
const tokenOf = (no: string) => t.sb.state.orderByOutTradeNo(no)!.payToken!;

describe('payer links (issue 21)', () => {
  it('a native code_url keeps the weixin:// form with an unguessable pr token, and maps to its payer page', async () => {
    const no = uniqueNo('N');
    const res = await t.call('POST', '/v3/pay/transactions/native', body(no));
    const codeUrl = res.json.code_url as string;
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=[a-km-zA-HJ-NP-Z2-9]{22}$/);
    const token = codeUrl.split('pr=')[1]!;
    expect(token).toBe(tokenOf(no));
    expect(payerPageUrl(codeUrl, t.sb.url)).toBe(`${t.sb.url}/sandbox/pay/${token}`);
    // A repeat answers the same link; another order gets another token.
    expect((await t.call('POST', '/v3/pay/transactions/native', body(no))).json.code_url).toBe(codeUrl);
    const other = await t.call('POST', '/v3/pay/transactions/native', body(uniqueNo('N')));
    expect(other.json.code_url).not.toBe(codeUrl);
  });

  it('payerPageUrl refuses what the sandbox did not make: a real 9-letter pr, another scheme, a tampered token', () => {
    expect(payerPageUrl('weixin://wxpay/bizpayurl?pr=JyC91EIz1', t.sb.url)).toBeUndefined();
    expect(payerPageUrl('https://example.com/?pr=abcdefghijkmnpqrstuvwx', t.sb.url)).toBeUndefined();
    expect(payerPageUrl('weixin://wxpay/bizpayurl?pr=abcdefghijkmnpqrstuv/../x', t.sb.url)).toBeUndefined();
    expect(isPayToken('abcdefghijkmnpqrstuvwx')).toBe(true);
    expect(isPayToken('abcdefghijklmnpqrstuvw')).toBe(false); // `l` is not in the alphabet
  });

  it('an h5_url is an http URL of the sandbox itself (the origin the request reached), opening the payer page', async () => {
    const no = uniqueNo('H');
    const res = await t.call('POST', '/v3/pay/transactions/h5', h5Body(no));
    const prepayId = t.sb.state.orderByOutTradeNo(no)!.prepayId;
    expect(res.json.h5_url).toBe(`${t.sb.url}/sandbox/pay/${tokenOf(no)}?prepay_id=${prepayId}`);
  });

  it('jsapi and app orders get a token too (the paysign page leads to it), but no link in the answer', async () => {
    const no = uniqueNo('J');
    const res = await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no, rcv.url));
    expect(Object.keys(res.json)).toEqual(['prepay_id']);
    expect(isPayToken(tokenOf(no))).toBe(true);
  });
});

describe('the payer acts (issue 21)', () => {
  it('Pay makes the order SUCCESS and sends TRANSACTION.SUCCESS, as POST /sandbox/orders/{no}/pay does', async () => {
    const no = uniqueNo('P');
    await t.call('POST', '/v3/pay/transactions/native', body(no));
    const view = payerPay(t.sb.context, tokenOf(no));
    expect(view.state).toBe('SUCCESS');
    expect(t.sb.state.orderByOutTradeNo(no)!.transactionId).toMatch(/^\d{28}$/);
    const sent = await waitFor('delivery', () => t.sb.notifications().find((d) => d.outTradeNo === no && d.delivered));
    expect(sent.eventType).toBe('TRANSACTION.SUCCESS');
    expect(() => payerPay(t.sb.context, tokenOf(no))).toThrow(/trade_state is SUCCESS/);
  });

  it('Fail and Cancel leave the order NOTPAY with nothing sent, and it can still be paid', async () => {
    const no = uniqueNo('F');
    await t.call('POST', '/v3/pay/transactions/h5', h5Body(no));
    expect(payerFail(t.sb.context, tokenOf(no)).state).toBe('NOTPAY');
    expect(payerCancel(t.sb.context, tokenOf(no)).state).toBe('NOTPAY');
    expect(t.sb.notifications().some((d) => d.outTradeNo === no)).toBe(false);
    expect(payerPay(t.sb.context, tokenOf(no)).state).toBe('SUCCESS');
  });

  it('a combine order is paid whole from its one page: every sub-order SUCCESS, one notification', async () => {
    const no = uniqueNo('C');
    const sub = (n: string, total: number) => ({
      mchid: t.init.mchid,
      attach: 'a',
      amount: { total_amount: total, currency: 'CNY' },
      out_trade_no: n,
      description: `Part ${n}`,
    });
    const [a, b] = [uniqueNo('CA'), uniqueNo('CB')];
    const res = await t.call('POST', '/v3/combine-transactions/native', {
      combine_appid: t.init.appid,
      combine_mchid: t.init.mchid,
      combine_out_trade_no: no,
      sub_orders: [sub(a, 100), sub(b, 250)],
      notify_url: rcv.url,
    });
    const token = (res.json.code_url as string).split('pr=')[1]!;
    expect(payerView(t.sb.context, token).total).toBe(350);
    expect(payerPay(t.sb.context, token).orders.map((o) => [o.outTradeNo, o.tradeState])).toEqual([
      [a, 'SUCCESS'],
      [b, 'SUCCESS'],
    ]);
    expect(t.sb.notifications().filter((d) => d.outTradeNo === no)).toHaveLength(1);
  });

  it('an unknown token is a 404', () => {
    expect(() => payerView(t.sb.context, 'abcdefghijkmnpqrstuvwx')).toThrow(/No order has this payer page/);
  });
});

describe('paysign checks (issue 21)', () => {
  const jsapiOrder = async () => {
    const no = uniqueNo('S');
    const res = await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no, rcv.url));
    return { no, prepayId: res.json.prepay_id as string };
  };
  const sign = (prepayId: string) =>
    jsapiPayParams(t.merchant.privateKey, t.init.appid, prepayId, '1722850421', 'd824f2e086d3c1df967785d13fcd22ef');

  it('accepts a good JSAPI set and finds its order', async () => {
    const { no, prepayId } = await jsapiOrder();
    const res = checkPaysign(t.sb.context, { ...sign(prepayId) });
    expect(res.problems).toEqual([]);
    expect(res.order?.outTradeNo).toBe(no);
  });

  it('names the tampered field: appId, package, signType, or only paySign for a changed nonce', async () => {
    const { prepayId } = await jsapiOrder();
    const good = { ...sign(prepayId) };
    const fields = (p: Record<string, string>) => checkPaysign(t.sb.context, p).problems.map((x) => x.field);
    expect(fields({ ...good, appId: 'wx0000000000000000' })).toEqual(['appId', 'paySign']);
    expect(fields({ ...good, package: 'prepay_id=wx000' })).toEqual(['package', 'paySign']);
    expect(fields({ ...good, signType: 'MD5' })).toEqual(['signType']);
    expect(fields({ ...good, nonceStr: 'x' })).toEqual(['paySign']);
    expect(fields({ ...good, paySign: '' })).toEqual(['paySign']);
  });

  it('checks an APP set: prepayid of an APP order, partnerid, package Sign=WXPay, sign', async () => {
    const no = uniqueNo('A');
    const res = await t.call('POST', '/v3/pay/transactions/app', body(no));
    const prepayId = res.json.prepay_id as string;
    const good = { ...appPayParams(t.merchant.privateKey, t.init.appid, t.init.mchid, prepayId, '1722850421', 'n1') };
    expect(checkPaysign(t.sb.context, good).problems).toEqual([]);
    const bad = checkPaysign(t.sb.context, { ...good, partnerid: '1900000000' }).problems.map((x) => x.field);
    expect(bad).toEqual(['partnerid']);
    // A JSAPI order's prepay_id in APP parameters is the wrong kind of order.
    const { prepayId: jsapiId } = await jsapiOrder();
    const wrong = appPayParams(t.merchant.privateKey, t.init.appid, t.init.mchid, jsapiId, '1722850421', 'n2');
    expect(checkPaysign(t.sb.context, { ...wrong }).problems).toEqual([
      { field: 'prepayid', message: 'this prepay_id is of a JSAPI order, not app' },
    ]);
  });
});
