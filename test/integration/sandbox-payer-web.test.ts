// Issue 21 over plain HTTP: the payer page's routes refuse what a browser on another site, a rebinding DNS name or a
// guessed token would send, and the paysign page needs the dashboard token; the allowed form posts work without JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('cert'));
});
afterAll(() => t.sb.close());

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const newOrder = async () => {
  const no = uniqueNo('W');
  const res = await t.call('POST', '/v3/pay/transactions/native', {
    appid: t.init.appid,
    mchid: t.init.mchid,
    description: 'Tea',
    out_trade_no: no,
    notify_url: 'http://127.0.0.1:9/notify',
    amount: { total: 100, currency: 'CNY' },
  });
  const token = (res.json.code_url as string).split('pr=')[1]!;
  return { no, token, path: `/sandbox/pay/${token}` };
};
const state = (no: string) => t.sb.state.orderByOutTradeNo(no)!.tradeState;
const post = (target: string, headers: Record<string, string>, body = '') =>
  rawRequest(t.sb.url, 'POST', target, { ...FORM, ...headers }, body);

describe('payer page routes refuse the web (issue 21)', () => {
  it('a same-origin form post pays (form-urlencoded, no JSON needed), answered 303 back to the page', async () => {
    const o = await newOrder();
    const page = await rawRequest(t.sb.url, 'GET', o.path, {});
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.text).toContain('1.00 CNY');
    const res = await post(`${o.path}/pay`, { Origin: t.sb.url });
    expect([res.status, res.headers.location]).toEqual([303, `${o.path}?outcome=paid`]);
    expect(state(o.no)).toBe('SUCCESS');
    const again = await post(`${o.path}/pay`, { Origin: t.sb.url });
    expect(again.status).toBe(409);
    expect(again.text).toContain('trade_state is SUCCESS');
  });

  it('a foreign Origin cannot pay, fail or cancel (403), and the order stays NOTPAY', async () => {
    const o = await newOrder();
    for (const action of ['pay', 'fail', 'cancel']) {
      for (const origin of ['http://evil.example', 'null', `http://localhost:${t.sb.port + 1}`]) {
        const res = await post(`${o.path}/${action}`, { Origin: origin }, 'reason=BALANCE');
        expect([action, origin, res.status]).toEqual([action, origin, 403]);
      }
    }
    expect(state(o.no)).toBe('NOTPAY');
  });

  it('a foreign Host (DNS rebinding) can neither read nor pay the page (403 HOST_NOT_ALLOWED)', async () => {
    const o = await newOrder();
    const host = { Host: `attacker.example:${t.sb.port}` };
    expect((await rawRequest(t.sb.url, 'GET', o.path, host)).status).toBe(403);
    const res = await post(`${o.path}/pay`, { ...host, Origin: `http://attacker.example:${t.sb.port}` });
    expect([res.status, res.json?.code]).toEqual([403, 'HOST_NOT_ALLOWED']);
    expect(state(o.no)).toBe('NOTPAY');
  });

  it('a wrong or guessed token opens nothing (404), however it is shaped', async () => {
    const o = await newOrder();
    for (const token of ['abcdefghijkmnpqrstuvwx', o.token.slice(0, -1), `${o.token}x`, '..%2Fstate']) {
      const page = await rawRequest(t.sb.url, 'GET', `/sandbox/pay/${token}`, {});
      expect([token, page.status]).toEqual([token, 404]);
      expect((await post(`/sandbox/pay/${token}/pay`, { Origin: t.sb.url })).status).toBe(404);
    }
    expect(state(o.no)).toBe('NOTPAY');
  });

  it('fail needs one of the listed reasons; fail and cancel leave the order NOTPAY', async () => {
    const o = await newOrder();
    expect((await post(`${o.path}/fail`, { Origin: t.sb.url }, 'reason=<script>')).status).toBe(400);
    const failed = await post(`${o.path}/fail`, { Origin: t.sb.url }, 'reason=BANK_DECLINED');
    expect(failed.headers.location).toBe(`${o.path}?outcome=failed&reason=BANK_DECLINED`);
    const cancelled = await post(`${o.path}/cancel`, {}, 'redirect_url=javascript%3Aalert(1)');
    // No Origin at all (curl, an old browser) is allowed; a redirect_url that is not http(s) is dropped.
    expect(cancelled.headers.location).toBe(`${o.path}?outcome=cancelled`);
    expect(state(o.no)).toBe('NOTPAY');
  });

  it('the paysign page needs the dashboard token (401 without it), and refuses a foreign Origin', async () => {
    const get = await rawRequest(t.sb.url, 'GET', '/sandbox/ui/paysign', {});
    expect(get.status).toBe(401);
    expect((await post('/sandbox/ui/paysign', { Origin: t.sb.url }, 'params=%7B%7D')).status).toBe(401);
    const token = new URL(t.sb.uiUrl).searchParams.get('token')!;
    const foreign = await post(
      `/sandbox/ui/paysign?token=${token}`,
      { Origin: 'http://evil.example' },
      'params=%7B%7D',
    );
    expect(foreign.status).toBe(403);
    const ok = await post(`/sandbox/ui/paysign?token=${token}`, { Origin: t.sb.url }, 'params=%7B%7D');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('appId is missing');
  });
});
