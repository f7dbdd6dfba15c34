// Issue 21 in a real browser: the sandbox dashboard. The printed link sets the cookie and drops the token from the
// address; a transfer is confirmed by pressing Confirm; a fault is added with the form and cleared; a notification
// whose receiver answers 500 is watched retrying (the page patches itself over Server-Sent Events, no reload), then
// re-sent by hand and seen acknowledged. Every page is screenshotted at desktop and phone widths
// (test-results/screenshots/dashboard-*.png) and must fit the phone's 375 px without sideways scrolling. In-page code
// is given as strings: the test's TypeScript has no DOM types.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshots, startBrowser, VIEWPORTS, type TestBrowser } from '../helpers/browser.js';
import { waitFor } from '../helpers/receiver.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';
import { scriptedReceiver, waitingTransfer } from '../helpers/ui.js';

describeBrowser('the sandbox dashboard in Chromium (issue 21)', () => {
  let t: TestSandbox;
  let browser: TestBrowser;
  let page: Page;
  let receiver: Awaited<ReturnType<typeof scriptedReceiver>>;
  beforeAll(async () => {
    receiver = await scriptedReceiver();
    // Time scale 5: the retries come 3 s apart, time enough to see one and press "Re-send now" before the next.
    [t, browser] = await Promise.all([
      sandboxKeySet('cert').then((init) => startTestSandbox(init, { timeScale: 5, autoRefundMs: -1 })),
      startBrowser(),
    ]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser.close();
    await t.sb.close();
    receiver.close();
  });

  const ui = (p: string) => `${t.sb.url}/sandbox/ui/${p}`;
  /** Both widths, and at the phone's the page must not scroll sideways (its tables scroll inside their box). */
  const shoot = async (name: string) => {
    await screenshots(page, `dashboard-${name}`);
    await page.setViewportSize(VIEWPORTS.phone);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    await page.setViewportSize(VIEWPORTS.desktop);
    expect(width, name).toBeLessThanOrEqual(VIEWPORTS.phone.width);
  };
  const newOrder = async (over: Record<string, unknown> = {}) => {
    const no = uniqueNo('BD');
    expect((await t.call('POST', '/v3/pay/transactions/jsapi', { ...jsapiBody(t.init, no), ...over })).status).toBe(
      200,
    );
    return no;
  };

  it('the printed link sets the cookie and lands on Orders without the token; the search works from the keyboard', async () => {
    const no = await newOrder({ description: 'Oolong <i>tea</i>' });
    await newOrder();
    await page.goto(t.sb.uiUrl);
    expect(page.url()).toBe(ui('orders'));
    const cookies = await browser.context.cookies();
    expect(cookies).toMatchObject([{ path: '/sandbox', httpOnly: true, sameSite: 'Strict' }]);
    await expect(page.getByRole('link', { name: no }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('cell', { name: 'Oolong <i>tea</i>' }).count()).resolves.toBe(1);
    await shoot('orders');
    // Keyboard only: Tab to the search box, type, Enter.
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate<boolean>("document.activeElement?.getAttribute('name') === 'q'")) break;
    }
    await page.keyboard.type(no);
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    await expect(page.locator('#order-count').innerText()).resolves.toBe('1 order(s).');
    await page.getByRole('link', { name: no }).click();
    await page.waitForURL(ui(`orders/${no}`));
    await shoot('order');
  });

  it('confirm a transfer: Confirm makes it SUCCESS', async () => {
    const outBillNo = await waitingTransfer(t);
    await page.goto(ui('transfers'));
    await shoot('transfers');
    await page.getByRole('button', { name: `Confirm transfer ${outBillNo}` }).click();
    await page.waitForURL(ui('transfers'));
    await expect(page.locator(`[id="t-${outBillNo}"] .state`).textContent()).resolves.toBe('SUCCESS');
    expect(t.sb.state.transferByOutBillNo(outBillNo)?.state).toBe('SUCCESS');
  });

  it('add a fault with the form, see it listed, then clear it', async () => {
    await page.goto(ui('faults'));
    await page.getByLabel('Kind').selectOption('500');
    await page.getByLabel('Path prefix').fill('/v3/refund/');
    await page.getByLabel('Count').fill('3');
    await page.getByRole('button', { name: 'Add fault' }).click();
    await page.waitForURL(ui('faults'));
    await expect(page.locator('#faults tbody tr td').first().textContent()).resolves.toBe('500');
    expect(t.sb.context.faults.all()).toMatchObject([{ kind: '500', path: '/v3/refund/', count: 3 }]);
    await shoot('faults');
    await page.getByRole('button', { name: 'Clear all faults' }).click();
    await page.waitForURL(ui('faults'));
    await expect(page.locator('#faults tbody').innerText()).resolves.toBe('None yet.');
    expect(t.sb.context.faults.all()).toEqual([]);
  });

  it('watch a failing notification retry live, then re-send it by hand and see it acknowledged', async () => {
    receiver.answers.length = 0; // 500 until told otherwise
    const no = await newOrder({ notify_url: receiver.url });
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
    const record = await waitFor('the first attempt', () => {
      const d = t.sb.notifications().find((x) => x.outTradeNo === no);
      return d?.attempts[0]?.status === 500 ? d : undefined;
    });
    await page.goto(ui('notifications'));
    await page.waitForFunction("document.documentElement.dataset.live === 'connected'");
    const rows = page.locator(`[id="attempts-${record.id}"] tbody tr`);
    await expect(rows.count()).resolves.toBe(1);
    // The retry 3 s later appears without a reload: the page patched itself from the event stream.
    await rows.nth(1).waitFor({ timeout: 20_000 });
    await expect(rows.nth(1).textContent()).resolves.toContain('HTTP 500');
    expect(await page.evaluate<number>('Number(document.documentElement.dataset.patched)')).toBeGreaterThan(0);
    await shoot('notifications');
    receiver.answers.push(200);
    await page.locator(`[id="n-${record.id}"]`).getByRole('button', { name: 'Re-send now' }).click();
    await page.waitForURL(ui('notifications'));
    const card = page.locator(`[id="n-${record.id}"]`);
    await expect(card.locator('h3 .state').textContent()).resolves.toBe('delivered');
    await expect(card.locator('tbody tr').last().textContent()).resolves.toMatch(/at once\s*HTTP 200/);
    expect(record.delivered).toBe(true);
    expect(record.attempts.at(-1)).toMatchObject({ status: 200, scheduledDelayMs: 0 });
  });

  it('Keys and Clock pages (screenshots)', async () => {
    await page.goto(ui('keys'));
    await expect(page.getByText('(signs now)').count()).resolves.toBe(1);
    await shoot('keys');
    await page.goto(ui('clock'));
    await expect(page.getByLabel('Divide the retry schedule by').inputValue()).resolves.toBe('5');
    await shoot('clock');
  });
});
