// Issue 21: the dashboard at /sandbox/ui is the sandbox's, and only the browser holding this process's token may use
// it: no token is 401, a wrong one 403, a foreign Origin 403, a foreign Host 403 (DNS rebinding). The token visit
// turns the token into an HttpOnly, SameSite=Strict cookie and leaves it out of the URL (and out of the request log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/sandbox/context.js';
import { rawRequest, sandboxKeySet, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { openUi, setCookieOf, type UiSession } from '../helpers/ui.js';

let t: TestSandbox;
let ui: UiSession;
const log: RequestLogEntry[] = [];
beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('cert'), { onRequest: (e) => log.push(e) });
  ui = await openUi(t.sb);
});
afterAll(() => t.sb.close());

const token = () => new URL(t.sb.uiUrl).searchParams.get('token')!;
const get = (target: string, headers: Record<string, string> = {}) => rawRequest(t.sb.url, 'GET', target, headers);

describe('the dashboard token (issue 21)', () => {
  it('serve gives a /sandbox/ui URL with a long random token, new per process', async () => {
    expect(t.sb.uiUrl).toMatch(new RegExp(`^${t.sb.url}/sandbox/ui\\?token=[A-Za-z0-9_-]{32}$`));
    const other = await startTestSandbox(t.init);
    try {
      expect(other.sb.uiUrl).not.toBe(t.sb.uiUrl);
      expect(new URL(other.sb.uiUrl).searchParams.get('token')).not.toBe(token());
    } finally {
      await other.sb.close();
    }
  });

  it('the token visit sets an HttpOnly, SameSite=Strict cookie for /sandbox and redirects to the URL without it', async () => {
    const r = await get(`/sandbox/ui/orders?q=abc&token=${token()}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/sandbox/ui/orders?q=abc');
    const cookie = setCookieOf(r);
    expect(cookie).toBe(`wxpay_sandbox_ui_${t.sb.port}=${token()}; HttpOnly; SameSite=Strict; Path=/sandbox`);
    expect(r.headers['referrer-policy']).toBe('same-origin');
  });

  it('with the cookie, a page loads as HTML with the strict CSP', async () => {
    const r = await ui.get('/sandbox/ui/orders');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.text).toContain('<title>Orders · wxpay sandbox</title>');
  });

  it('no token or cookie: 401, and nothing of the page', async () => {
    for (const target of ['/sandbox/ui', '/sandbox/ui/orders', '/sandbox/ui/orders?q=x']) {
      const r = await get(target);
      expect(r.status, target).toBe(401);
      expect(r.text).toContain('Open the dashboard link');
      expect(r.text).not.toContain('out_trade_no');
    }
  });

  it('a wrong token, in the query or in the cookie (an earlier process), is 403 and sets no cookie', async () => {
    const wrong = `${token().slice(0, -1)}${token().endsWith('A') ? 'B' : 'A'}`;
    const byQuery = await get(`/sandbox/ui?token=${wrong}`);
    expect(byQuery.status).toBe(403);
    expect(byQuery.headers['set-cookie']).toBeUndefined();
    const byCookie = await get('/sandbox/ui/orders', { Cookie: `wxpay_sandbox_ui_${t.sb.port}=${wrong}` });
    expect(byCookie.status).toBe(403);
    // Another port's cookie (another sandbox on localhost) is not this one's.
    const otherPort = await get('/sandbox/ui/orders', { Cookie: `wxpay_sandbox_ui_1=${token()}` });
    expect(otherPort.status).toBe(401);
  });

  it("a foreign Origin is 403, even with the cookie; this sandbox's own origin passes", async () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${t.sb.port}`,
      'null',
      `https://127.0.0.1:${t.sb.port}`,
    ]) {
      const r = await ui.get('/sandbox/ui/orders', { Origin: origin });
      expect(r.status, origin).toBe(403);
      expect(r.text).toContain('another site');
    }
    expect((await ui.get('/sandbox/ui/orders', { Origin: t.sb.url })).status).toBe(200);
    const viaLocalhost = { Origin: `http://localhost:${t.sb.port}`, Host: `localhost:${t.sb.port}` };
    expect((await ui.get('/sandbox/ui/orders', viaLocalhost)).status).toBe(200);
    // The Origin must be the Host the request went to: a localhost page cannot post to 127.0.0.1 either.
    expect((await ui.get('/sandbox/ui/orders', { Origin: `http://localhost:${t.sb.port}` })).status).toBe(403);
  });

  it('a foreign Host (DNS rebinding) is 403 before the token is even looked at', async () => {
    const r = await get(`/sandbox/ui?token=${token()}`, { Host: `attacker.example:${t.sb.port}` });
    expect(r.status).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect((await ui.get('/sandbox/ui/orders', { Host: `attacker.example:${t.sb.port}` })).status).toBe(403);
  });

  it('the request log shows the token visit with the token hidden', () => {
    const visits = log.filter((e) => e.url.includes('token='));
    expect(visits.length).toBeGreaterThan(0);
    for (const e of visits) expect(e.url).not.toContain(token());
  });
});
