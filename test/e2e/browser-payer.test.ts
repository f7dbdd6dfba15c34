// Issue 21 in a real browser: the simulated payer. A Native prepay's code_url (mapped to its payer page) is opened and
// paid by pressing Pay, and the TRANSACTION.SUCCESS reaches a spawned `webhook serve` (its journal line); an H5
// payment is cancelled and the page leads back to the merchant's redirect_url; the paysign page accepts a good JSAPI
// set, pays it, and names the bad field of a tampered one. Screenshots of each page at desktop and phone widths go to
// test-results/screenshots/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payerPageUrl } from '../../src/sandbox/pay-links.js';
import { describeBrowser, screenshots, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { waitFor } from '../helpers/receiver.js';
import { sandboxEnv, type Env } from './cmd-sandbox-helpers.js';
import { webhookServe, type Listener } from './webhook-serve-helper.js';

describeBrowser('the simulated payer in Chromium (issue 21)', () => {
  let env: Env;
  let hook: Listener;
  let browser: TestBrowser;
  const stamp = `${Date.now()}`.slice(-9);
  beforeAll(async () => {
    [env, browser] = await Promise.all([sandboxEnv('pubkey'), startBrowser()]);
    hook = await webhookServe(env.dir);
  });
  afterAll(async () => {
    await browser.close();
    hook.child.kill('SIGTERM');
    await env.close();
  });

  const prepay = async (kind: string, no: string, extra: string[] = []) => {
    const args = ['prepay', kind, '--out-trade-no', no, '--amount', '1234', '--description', 'Green tea <b>x2</b>'];
    const res = await env.cli([...args, '--notify-url', hook.url, ...extra, '--json']);
    expect(res.code, res.stderr).toBe(0);
    return res.json<Record<string, string>>();
  };
  const tradeState = async (no: string) => (await env.cli(['query', no, '--json'])).json<{ trade_state: string }>();

  it('open a native code_url and press Pay: the order is SUCCESS and webhook serve journals the notification', async () => {
    const no = `BN${stamp}`;
    const url = payerPageUrl((await prepay('native', no)).code_url!, env.sb.url)!;
    const page = await browser.newPage();
    await page.goto(url);
    await expect(page.locator('#amount').textContent()).resolves.toBe('12.34 CNY');
    // The description is text, never markup.
    await expect(page.locator('#description').textContent()).resolves.toBe('Green tea <b>x2</b>');
    await screenshots(page, 'payer');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/^Paid\./);
    await screenshots(page, 'payer-paid');
    expect((await tradeState(no)).trade_state).toBe('SUCCESS');
    await waitFor('TRANSACTION.SUCCESS at webhook serve', () =>
      hook.events.find((e) => e.event_type === 'TRANSACTION.SUCCESS' && e.outcome === 'accepted' && e.amount === 1234),
    );
    const journal = readFileSync(path.join(env.dir, 'journal.ndjson'), 'utf8').trim().split('\n');
    const line = journal.map((l) => JSON.parse(l) as { outcome?: string; resource?: Record<string, unknown> });
    expect(line.find((j) => j.resource?.out_trade_no === no)).toMatchObject({
      outcome: 'accepted',
      resource: { trade_state: 'SUCCESS', amount: { total: 1234 } },
    });
    await page.close();
  });

  it('cancel an H5 payment: the order stays NOTPAY, nothing is sent, and the page leads back to the merchant', async () => {
    const no = `BH${stamp}`;
    const h5 = (await prepay('h5', no, ['--payer-ip', '127.0.0.1'])).h5_url!;
    expect(h5.startsWith(`${env.sb.url}/sandbox/pay/`)).toBe(true);
    const page = await browser.newPage();
    // An H5 app may append its return page to the h5_url, as in production.
    await page.goto(`${h5}&redirect_url=${encodeURIComponent('https://shop.example/order/done')}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(
      /^Payment cancelled\. The order stays NOTPAY/,
    );
    await expect(page.locator('#back').getAttribute('href')).resolves.toBe('https://shop.example/order/done');
    await screenshots(page, 'payer-cancelled');
    expect((await tradeState(no)).trade_state).toBe('NOTPAY');
    expect(env.sb.notifications().some((d) => d.outTradeNo === no)).toBe(false);
    await page.close();
  });

  it('the paysign page accepts a good JSAPI set and pays it, and names the bad field of a tampered one', async () => {
    const no = `BJ${stamp}`;
    const { invoke } = (await prepay('jsapi', no, ['--openid', 'oPayer21'])) as unknown as {
      invoke: Record<string, string>;
    };
    const page = await browser.newPage();
    await page.goto(env.sb.uiUrl); // the dashboard token link: sets the cookie the paysign page needs
    await page.goto(`${env.sb.url}/sandbox/ui/paysign`);
    const check = async (params: Record<string, string>) => {
      await page.getByLabel(/parameters, as JSON/).fill(JSON.stringify(params));
      await page.getByRole('button', { name: 'Check' }).click();
    };
    await check({ ...invoke, appId: 'wx0000000000000000' });
    await page.locator('#problems').waitFor();
    await expect(
      page.locator('#problems li[data-field]').evaluateAll((l) => l.map((e) => e.dataset.field)),
    ).resolves.toEqual(['appId', 'paySign']);
    await screenshots(page, 'paysign-refused');
    await check(invoke);
    await expect(page.locator('#verdict').textContent()).resolves.toMatch(/All checks pass/);
    await screenshots(page, 'paysign');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/^Paid\./);
    expect((await tradeState(no)).trade_state).toBe('SUCCESS');
    await page.close();
  });
});
