// Issue 21: the dashboard's pages over plain HTTP: each page shows the sandbox's state, each button calls the same
// sandbox function as the control API, a foreign Origin or a missing token cannot press one, text from outside is
// escaped, no page carries key material, and /sandbox/ui/events tells the browser when something changed.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needlesOf } from '../helpers/secrets-scan.js';
import { waitFor } from '../helpers/receiver.js';
import {
  jsapiBody,
  rawRequest,
  sandboxKeySet,
  startTestSandbox,
  uniqueNo,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { openUi, scriptedReceiver, waitingTransfer, type UiSession } from '../helpers/ui.js';

let t: TestSandbox;
let ui: UiSession;
let flaky: Awaited<ReturnType<typeof scriptedReceiver>>;

beforeAll(async () => {
  // Time scale 6: the first retry waits 2.5 s, long enough to press "Re-send now" before it.
  t = await startTestSandbox(await sandboxKeySet('mixed'), { timeScale: 6, autoRefundMs: -1 });
  ui = await openUi(t.sb);
  flaky = await scriptedReceiver();
});
afterAll(async () => {
  await t.sb.close();
  flaky.close();
});

const newOrder = async (over: Record<string, unknown> = {}): Promise<string> => {
  const no = uniqueNo('U');
  const r = await t.call('POST', '/v3/pay/transactions/jsapi', { ...jsapiBody(t.init, no), ...over });
  expect(r.status).toBe(200);
  return no;
};

describe('dashboard pages (issue 21)', () => {
  it('Orders lists each order with state, amount, payer and time; the search box filters; text is escaped', async () => {
    const evil = await newOrder({ description: '<script>alert(1)</script>&"x"' });
    const plain = await newOrder();
    const page = await ui.get('/sandbox/ui/orders');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<a href="/sandbox/ui/orders/${evil}">${evil}</a>`);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&quot;');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).toContain('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
    expect(page.text).toContain('1.00 CNY');
    expect(page.text).toMatch(/<label\s*>Search orders<input type="search" name="q"/);
    const found = await ui.get(`/sandbox/ui/orders?q=${plain}`);
    expect(found.text).toContain(plain);
    expect(found.text).not.toContain(`/orders/${evil}"`);
    expect(found.text).toContain('1 order(s)');
  });

  it('an order page shows its refunds and the notifications sent for it; an unknown order is 404', async () => {
    const no = await newOrder({ notify_url: flaky.url });
    flaky.answers.push(204);
    await t.admin('POST', `/sandbox/orders/${no}/pay`);
    const refundNo = uniqueNo('R');
    const refund = await t.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: refundNo,
      amount: { refund: 40, total: 100, currency: 'CNY' },
    });
    expect(refund.status).toBe(200);
    await waitFor('the payment notification', () => t.sb.notifications().find((d) => d.outTradeNo === no)?.delivered);
    const page = await ui.get(`/sandbox/ui/orders/${no}`);
    // Paid, then partly refunded: WeChat Pay's trade_state says REFUND.
    expect(page.text).toContain('<span class="state wait">REFUND</span>');
    expect(page.text).toContain(refundNo);
    expect(page.text).toContain('0.40 CNY');
    expect(page.text).toContain('TRANSACTION.SUCCESS');
    expect(page.text).toContain('HTTP 204');
    expect((await ui.get('/sandbox/ui/orders/NOPE123')).status).toBe(404);
  });

  it('Notifications: a failing notification shows its attempts and next attempt; Re-send now delivers it', async () => {
    const no = await newOrder({ notify_url: flaky.url });
    flaky.answers.length = 0; // the first attempt gets 500
    await t.admin('POST', `/sandbox/orders/${no}/pay`);
    const record = await waitFor('the first attempt', () => {
      const d = t.sb.notifications().find((x) => x.outTradeNo === no);
      return d?.attempts[0]?.status === 500 ? d : undefined;
    });
    const page = await ui.get('/sandbox/ui/notifications');
    expect(page.text).toContain('HTTP 500');
    expect(page.text).toContain('retrying');
    expect(page.text).toContain('(attempt 2)');
    expect(page.text).toContain('Retry schedule');
    expect(page.text).toContain('2.5 s, 2.5 s, 5 s');
    flaky.answers.push(200);
    const back = `/sandbox/ui/orders/${no}`;
    const pressed = await ui.post(`/sandbox/ui/notifications/${record.id}/resend`, { back });
    expect([pressed.status, pressed.headers.location]).toEqual([303, back]);
    expect(record.delivered).toBe(true);
    expect(record.attempts.map((a) => a.status)).toEqual([500, 200]);
    const after = await ui.get(back);
    expect(after.text).toContain('delivered');
    expect(after.text).not.toContain(`/notifications/${record.id}/resend`);
    // An outside `back` is not followed.
    const other = await ui.post(`/sandbox/ui/notifications/${record.id}/resend`, { back: '//evil.example/x' });
    expect(other.headers.location).toBe('/sandbox/ui/notifications');
  });

  it('Transfers: a transfer waiting for the payee has Confirm and Refuse; Confirm makes it SUCCESS', async () => {
    const [a, b] = [await waitingTransfer(t), await waitingTransfer(t)];
    const page = await ui.get('/sandbox/ui/transfers');
    expect(page.text).toContain(`action="/sandbox/ui/transfers/${a}/confirm"`);
    expect(page.text).toContain(`action="/sandbox/ui/transfers/${b}/refuse"`);
    expect((await ui.post(`/sandbox/ui/transfers/${a}/confirm`, {})).status).toBe(303);
    expect((await ui.post(`/sandbox/ui/transfers/${b}/refuse`, {})).status).toBe(303);
    expect(t.sb.state.transferByOutBillNo(a)?.state).toBe('SUCCESS');
    expect(t.sb.state.transferByOutBillNo(b)).toMatchObject({ state: 'FAIL', failReason: 'OVERDUE_CLOSE' });
    // Pressed again (an old page): the sandbox's refusal, as a page.
    const again = await ui.post(`/sandbox/ui/transfers/${a}/confirm`, {});
    expect(again.status).toBe(400);
    expect(again.text).toContain('role="alert"');
  });

  it('Faults: the form adds a fault (the sandbox checks it), the page lists it, Clear removes them all', async () => {
    const added = await ui.post('/sandbox/ui/faults', {
      kind: '429',
      target: 'responses',
      path: '/v3/pay/',
      count: '2',
    });
    expect([added.status, added.headers.location]).toEqual([303, '/sandbox/ui/faults']);
    expect(t.sb.context.faults.all()).toMatchObject([{ kind: '429', path: '/v3/pay/', count: 2, rate: 1 }]);
    expect((await ui.get('/sandbox/ui/faults')).text).toMatch(
      /<td>429<\/td>\s*<td>responses<\/td>\s*<td>\/v3\/pay\/<\/td>/,
    );
    const bad = await ui.post('/sandbox/ui/faults', { kind: 'drop', target: 'responses' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('the drop fault needs');
    expect(t.sb.context.faults.all()).toHaveLength(1);
    expect((await ui.post('/sandbox/ui/faults/clear', {})).status).toBe(303);
    expect(t.sb.context.faults.all()).toEqual([]);
  });

  it('Keys: mode, serials and public key id; Rotate adds a platform certificate that signs from then on', async () => {
    const before = t.sb.context.keys.platform.map((p) => p.serial);
    expect((await ui.post('/sandbox/ui/keys/rotate', {})).status).toBe(303);
    const serials = t.sb.context.keys.platform.map((p) => p.serial);
    expect(serials).toHaveLength(before.length + 1);
    const page = (await ui.get('/sandbox/ui/keys')).text;
    expect(page).toContain('<dd>mixed</dd>');
    expect(page).toContain(t.init.publicKeyId);
    expect(page).toContain(`${serials.at(-1)!} <strong>(signs now)</strong>`);
  });

  it('Clock: the skew and the time scale are set by the same rules as the control API', async () => {
    expect((await ui.post('/sandbox/ui/clock/time-scale', { timeScale: '60' })).status).toBe(303);
    expect(t.sb.context.timeScale).toBe(60);
    expect((await ui.post('/sandbox/ui/clock/time-scale', { timeScale: '0' })).status).toBe(400);
    expect((await ui.post('/sandbox/ui/clock', { offsetSeconds: '120' })).status).toBe(303);
    expect(t.sb.context.clockOffsetMs).toBe(120_000);
    const page = (await ui.get('/sandbox/ui/clock')).text;
    expect(page).toContain('<dd>120 s</dd>');
    expect(page).toContain('the first retry waits 250 ms');
    expect((await t.admin('GET', '/sandbox/clock')).json).toMatchObject({ offsetSeconds: 120, timeScale: 60 });
    expect((await t.admin('POST', '/sandbox/time-scale', { timeScale: 6 })).json).toMatchObject({ timeScale: 6 });
    await ui.post('/sandbox/ui/clock', { offsetSeconds: '0' });
  });
});

describe('dashboard buttons refuse other sites (issue 21)', () => {
  it('a form POST with a foreign Origin, or without the token, changes nothing', async () => {
    const evil = await ui.post('/sandbox/ui/faults', { kind: '500' }, { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    const noCookie = await ui.post('/sandbox/ui/faults', { kind: '500' }, { Cookie: '' });
    expect(noCookie.status).toBe(401);
    const rebind = await ui.post(
      '/sandbox/ui/keys/rotate',
      {},
      { Host: `evil.example:${t.sb.port}`, Origin: `http://evil.example:${t.sb.port}` },
    );
    expect(rebind.status).toBe(403);
    expect(t.sb.context.faults.all()).toEqual([]);
  });
});

describe('no key material on any page (issue 21)', () => {
  it('no page holds a private key, the APIv3 key or a platform key', async () => {
    const secrets = [
      await readFile(t.init.privateKeyPath, 'utf8'),
      await readFile(t.init.apiV3KeyPath, 'utf8'),
      ...t.sb.context.keys.platform.map((p) => p.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      t.sb.context.keys.publicKeyPrivate.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ].map((s) => s.trim());
    const no = [...t.sb.state.orders.values()][0]!.outTradeNo;
    const pages = ['orders', `orders/${no}`, 'notifications', 'transfers', 'faults', 'keys', 'clock', 'paysign'];
    for (const p of pages) {
      const text = (await ui.get(`/sandbox/ui/${p}`)).text;
      expect(text.length, p).toBeGreaterThan(500);
      // Every page's menu reaches every page, the paysign checker included.
      expect(text, p).toContain('href="/sandbox/ui/paysign"');
      for (const needle of secrets.flatMap(needlesOf)) expect(text.includes(needle), p).toBe(false);
    }
  });
});

describe('live updates (issue 21)', () => {
  it('/sandbox/ui/events sends a change event when the state changes, and needs the token', async () => {
    expect((await rawRequest(t.sb.url, 'GET', '/sandbox/ui/events', {})).status).toBe(401);
    const { request } = await import('node:http');
    const got = await new Promise<string>((resolve, reject) => {
      const req = request(`${t.sb.url}/sandbox/ui/events`, { headers: { Cookie: ui.cookie } }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes('retry:') && !text.includes('event:')) void newOrder();
          if (text.includes('event: change')) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(got).toMatch(/^retry: 2000\n\nevent: change\nid: 1\ndata: 1\n\n/);
  });
});
