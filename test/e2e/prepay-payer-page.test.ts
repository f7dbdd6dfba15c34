// Issue 21: `wxpay prepay native --qr` against the sandbox draws the simulated payer's page (a phone's camera opens an
// http URL; the weixin:// code_url needs WeChat and a real order) and prints it as payer_page; against WeChat Pay's
// own hosts nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPayerPage } from '../../src/command-kit/qr.js';
import { prepayArgs, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

describe('prepay native --qr against the sandbox (issue 21)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('pubkey');
  });
  afterAll(() => env.close());

  it('prints payer_page and draws its URL, which opens the order', async () => {
    const no = `QR${Date.now()}`;
    const res = await env.cli([...prepayArgs('native', no), '--qr']);
    expect(res.code, res.stderr).toBe(0);
    const token = env.sb.state.orderByOutTradeNo(no)!.payToken!;
    expect(res.stdout).toContain(`code_url      weixin://wxpay/bizpayurl?pr=${token}`);
    expect(res.stdout).toContain(`payer_page    ${env.sb.url}/sandbox/pay/${token}`);
    expect(res.stdout).toMatch(/[▀▄█]/);
    const page = await fetch(`${env.sb.url}/sandbox/pay/${token}`);
    expect([page.status, (await page.text()).includes(no)]).toEqual([200, true]);
  });

  it('against WeChat Pay itself the code_url is left alone', () => {
    const codeUrl = 'weixin://wxpay/bizpayurl?pr=abcdefghijkmnpqrstuvwx';
    expect(sandboxPayerPage(codeUrl, 'https://api.mch.weixin.qq.com')).toBeUndefined();
    expect(sandboxPayerPage(codeUrl, 'https://api2.mch.weixin.qq.com')).toBeUndefined();
    expect(sandboxPayerPage(codeUrl, 'http://192.168.1.20:8931')).toBe(
      'http://192.168.1.20:8931/sandbox/pay/abcdefghijkmnpqrstuvwx',
    );
  });
});
