// `wxpay sandbox init | serve | pay | refund` as users run them: the --json init document, a spawned server with its
// NDJSON startup and request lines, the payer commands against it, and a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey } from '../../src/protocol/keys.js';
import { signRequest, unixSeconds } from '../../src/protocol/sign.js';
import { binPath } from '../helpers/paths.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { rawRequest, uniqueNo } from '../helpers/sandbox.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { newNonce } from '../../src/protocol/nonce.js';

describe('wxpay sandbox CLI', () => {
  it('sandbox-pay-without-sandbox-profile: with no sandbox profile, pay/refund refuse at once instead of POSTing to WeChat Pay', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'wxpay-sandbox-noprofile-'));
    for (const args of [
      ['sandbox', 'pay', 'ORDER20260101001'],
      ['sandbox', 'refund', 'R20260101001'],
    ]) {
      const r = await runCli(args, {
        cwd,
        env: { HOME: cwd, XDG_CONFIG_HOME: cwd, HTTPS_PROXY: 'http://127.0.0.1:9' },
      });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toBe(
        '✖ CONFIG_INVALID: The profile points at WeChat Pay (https://api.mch.weixin.qq.com), not at a wxpay sandbox\n' +
          "  hint: Use the sandbox's profile: --config .wxpay-sandbox/.wxpayrc.json (or export WXPAY_CONFIG=.wxpay-sandbox/.wxpayrc.json), after `wxpay sandbox init` and `wxpay sandbox serve`.\n",
      );
    }
  });

  it('init --json, serve --json, pay, refund, SIGTERM', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'wxpay-sandbox-cli-'));
    const init = await runCli(['sandbox', 'init', '--mode', 'pubkey', '--mchid', '1900000109', '--json'], { cwd });
    expect(init.code).toBe(0);
    const r = init.json();
    trackSecretFile('cli sandbox merchant key', r.privateKeyPath);
    trackSecretFile('cli sandbox APIv3 key', r.apiV3KeyPath);
    expect(r).toMatchObject({
      dir: path.join(cwd, '.wxpay-sandbox'),
      profile: 'sandbox',
      mchid: '1900000109',
      baseUrl: 'http://127.0.0.1:8931',
    });
    for (const k of [
      'dir',
      'rcPath',
      'privateKeyPath',
      'merchantCertPath',
      'apiV3KeyPath',
      'platformCertPath',
      'platformKeyPath',
      'publicKeyPath',
    ])
      expect(path.isAbsolute(r[k]), k).toBe(true);
    expect((await stat(r.privateKeyPath)).mode & 0o777).toBe(0o600);

    const child = spawn(process.execPath, [binPath, 'sandbox', 'serve', '--port', '0', '--json'], {
      cwd,
      env: cleanEnv(),
    });
    const lines = createInterface({ input: child.stdout });
    const events: any[] = [];
    const waiters: Array<() => void> = [];
    lines.on('line', (l) => {
      events.push(JSON.parse(l));
      waiters.splice(0).forEach((w) => w());
    });
    const next = async (type: string) => {
      for (;;) {
        const e = events.find((x) => x.type === type && !x.seen);
        if (e) return Object.assign(e, { seen: true });
        await new Promise<void>((res) => waiters.push(res));
      }
    };
    try {
      const listening = await next('listening');
      expect(listening).toMatchObject({ mode: 'pubkey', mchid: '1900000109' });
      const url: string = listening.url;
      const merchant = {
        mchid: r.mchid,
        serialNo: r.serialNo,
        privateKey: loadPrivateKey(await readFile(r.privateKeyPath)),
      };
      const no = uniqueNo();
      const body = JSON.stringify({
        appid: r.appid,
        mchid: r.mchid,
        description: 'cli',
        out_trade_no: no,
        notify_url: 'http://127.0.0.1:9/n',
        amount: { total: 5 },
      });
      const signed = signRequest(merchant, {
        method: 'POST',
        url: '/v3/pay/transactions/native',
        body,
        timestamp: unixSeconds(Date.now()),
        nonce: newNonce(),
      });
      const res = await rawRequest(
        url,
        'POST',
        '/v3/pay/transactions/native',
        {
          Accept: 'application/json',
          'User-Agent': 't',
          'Content-Type': 'application/json',
          Authorization: signed.authorization,
        },
        body,
      );
      expect(res.status).toBe(200);
      expect(await next('request')).toMatchObject({
        method: 'POST',
        url: '/v3/pay/transactions/native',
        status: 200,
        route: 'POST /v3/pay/transactions/native',
      });

      const common = ['--config', r.rcPath, '--base-url', url];
      const pay = await runCli(['sandbox', 'pay', no, '--json', ...common], { cwd });
      expect(pay.code).toBe(0);
      expect(pay.json()).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS' });
      const missing = await runCli(['sandbox', 'pay', 'NOSUCH1', '--json', ...common], { cwd });
      expect(missing.code).toBe(5);
      expect(missing.error()).toMatchObject({ code: 'WECHATPAY_ERROR' });
      const refundMissing = await runCli(['sandbox', 'refund', 'NOSUCH1', '--fail', '--json', ...common], { cwd });
      expect(refundMissing.code).toBe(5);
      const down = await runCli(
        ['sandbox', 'pay', no, '--json', '--config', r.rcPath, '--base-url', 'http://127.0.0.1:9'],
        { cwd },
      );
      expect(down.code).toBe(4);

      child.kill('SIGTERM');
      expect(await next('stopped')).toMatchObject({ signal: 'SIGTERM' });
      const code = await new Promise((res) => child.on('close', res));
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
