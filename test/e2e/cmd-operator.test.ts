// Acceptance (issue 4): every operator command end to end against the sandbox, spawning bin/wxpay, in both
// key modes, with assertions on stdout (--json and human), stderr and the exit code.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepayArgs, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

describe.each(['cert', 'pubkey'] as const)('operator commands, %s mode', (mode) => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv(mode);
  });
  afterAll(() => env.close());
  const no = (s: string) => `${mode.toUpperCase()}${s}`;

  it('prepay native/jsapi/app/h5 print code_url, prepay_id with signed invoke parameters, h5_url', async () => {
    // Independent spawns run side by side to keep the suite fast.
    const [native, jsapi, app, h5] = await Promise.all([
      env.cli([...prepayArgs('native', no('N0001')), '--json']),
      env.cli([...prepayArgs('jsapi', no('J0001')), '--openid', 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', '--json']),
      env.cli([...prepayArgs('app', no('A0001')), '--json']),
      env.cli([...prepayArgs('h5', no('H0001')), '--payer-ip', '203.0.113.7', '--h5-type', 'iOS']),
    ]);
    expect(native.code, native.stderr).toBe(0);
    expect(native.json().code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(jsapi.code, jsapi.stderr).toBe(0);
    expect(jsapi.json()).toMatchObject({
      prepay_id: expect.stringMatching(/^wx/),
      invoke: {
        signType: 'RSA',
        package: `prepay_id=${jsapi.json().prepay_id}`,
        paySign: expect.stringMatching(/^[A-Za-z0-9+/]{342}==$/),
      },
    });
    expect(app.json().invoke).toMatchObject({ package: 'Sign=WXPay', prepayid: app.json().prepay_id });
    expect(h5.code, h5.stderr).toBe(0);
    expect(h5.stdout).toMatch(/h5_url\s+https?:\/\//);
  });

  it('prepay native --qr draws the code; --amount 0.01 is refused with a hint; --yuan converts exactly', async () => {
    const [qr, bad, yuan] = await Promise.all([
      env.cli([...prepayArgs('native', no('Q0001')), '--qr']),
      env.cli([...prepayArgs('native', no('Q0002'), '0.01'), '--json']),
      env.cli([...prepayArgs('native', no('Q0003'), '12.30'), '--yuan', '--json']),
    ]);
    expect(qr.code, qr.stderr).toBe(0);
    expect(qr.stdout).toMatch(/code_url\s+weixin:/);
    expect(qr.stdout).toMatch(/[▀▄█]/);
    expect(bad.code).toBe(2);
    expect(bad.error()).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('--amount 1') });
    expect(yuan.code, yuan.stderr).toBe(0);
    const order = (await env.admin('GET', '/sandbox/state')).orders.find((o: any) => o.outTradeNo === no('Q0003'));
    expect(JSON.stringify(order)).toContain('1230');
  });

  it('query: human summary, the full object with --json; by transaction_id too', async () => {
    await env.admin('POST', `/sandbox/orders/${no('N0001')}/pay`);
    const human = await env.cli(['query', no('N0001')]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/state\s+SUCCESS/);
    expect(human.stdout).toMatch(/amount\s+100 fen \(1\.00 CNY\)/);
    expect(human.stdout).toMatch(/payer\s+\S+/);
    const json = await env.cli(['query', no('N0001'), '--json']);
    const t = json.json();
    expect(t).toMatchObject({ out_trade_no: no('N0001'), trade_state: 'SUCCESS', amount: { total: 100 } });
    const byId = await env.cli(['query', '--transaction-id', t.transaction_id, '--json']);
    expect(byId.json().out_trade_no).toBe(no('N0001'));
  });

  it('a WeChat Pay error shows code, message and Request-ID, exit 5', async () => {
    const [human, json] = await Promise.all([
      env.cli(['query', no('MISSING1')]),
      env.cli(['query', no('MISSING1'), '--json']),
    ]);
    expect(human.code).toBe(5);
    expect(human.stderr).toMatch(/ORDER_NOT_EXIST/);
    expect(human.stderr).toMatch(/Request-ID: \S+/);
    expect(json.code).toBe(5);
    expect(json.error()).toMatchObject({
      code: 'WECHATPAY_ERROR',
      requestId: expect.any(String),
      wechatpay: { status: 404, code: 'ORDER_NOT_EXIST', message: expect.any(String) },
    });
  });

  it('close an unpaid order; --dry-run sends nothing', async () => {
    const dry = await env.cli(['close', no('J0001'), '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      request: {
        method: 'POST',
        body: expect.stringContaining('mchid'),
        headers: { Authorization: expect.stringMatching(/^WECHATPAY2-SHA256-RSA2048 /) },
      },
    });
    expect(await env.count('POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close')).toBe(0);
    const closed = await env.cli(['close', no('J0001')]);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toBe(`closed ${no('J0001')}\n`);
    expect((await env.cli(['query', no('J0001'), '--json'])).json().trade_state).toBe('CLOSED');
  });

  it('refund create (needs --yes without a TTY; --dry-run) and refund query', async () => {
    const args = [
      'refund',
      'create',
      '--out-trade-no',
      no('N0001'),
      '--out-refund-no',
      no('R0001'),
      '--amount',
      '40',
      '--total',
      '100',
    ];
    const noYes = await env.cli([...args, '--json']);
    expect(noYes.code).toBe(2);
    expect(noYes.error().hint).toMatch(/--yes/);
    const dry = await env.cli([...args, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.json().request.body)).toMatchObject({
      out_refund_no: no('R0001'),
      amount: { refund: 40, total: 100, currency: 'CNY' },
    });
    expect(await env.count('POST /v3/refund/domestic/refunds')).toBe(0);
    const made = await env.cli([...args, '--yes', '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.json()).toMatchObject({
      out_refund_no: no('R0001'),
      status: expect.stringMatching(/PROCESSING|SUCCESS/),
      amount: { refund: 40 },
    });
    const q = await env.cli(['refund', 'query', no('R0001')]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toMatch(/refund\s+40 fen \(0\.40 CNY\) of 100 fen/);
  });

  it('api GET prints the raw verified JSON; --verbose shows the signed request without secrets', async () => {
    const res = await env.cli([
      'api',
      'GET',
      `/v3/pay/transactions/out-trade-no/${no('N0001')}`,
      '--query',
      `mchid=${env.sb.context.keys.mchid}`,
      '--verbose',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ out_trade_no: no('N0001'), trade_state: 'REFUND' });
    expect(res.stderr).toMatch(
      /authorization: WECHATPAY2-SHA256-RSA2048 .*nonce_str="[0-9A-F]+",signature="\[redacted\]",timestamp="\d+"/i,
    );
    expect(res.stderr).not.toMatch(/signature="[A-Za-z0-9+/=]{344}"/);
    expect(res.stderr).toMatch(/< 200 GET/);
    expect(res.stderr).toMatch(/signature verified/);
    if (mode === 'pubkey') expect(res.stderr).toMatch(/wechatpay-serial: PUB_KEY_ID_/i);
  });

  it('certs download / list', async () => {
    const out = path.join(env.dir, 'downloaded');
    const dl = await env.cli(['certs', 'download', '--json', ...(mode === 'cert' ? ['--output', out] : [])]);
    if (mode === 'pubkey') {
      expect(dl.code).toBe(3);
      expect(dl.error().hint).toMatch(/publicKeyId/);
      const list = await env.cli(['certs', 'list']);
      expect(list.stdout).toMatch(/No platform certificates: .*PUB_KEY_ID_/);
      return;
    }
    expect(dl.code, dl.stderr).toBe(0);
    const serial = env.sb.context.keys.platform[0]!.serial;
    expect(dl.json().certificates).toEqual([
      expect.objectContaining({ serial, saved: true, daysLeft: expect.any(Number) }),
    ]);
    expect(existsSync(path.join(out, `wechatpay_${serial}.pem`))).toBe(true);
    const list = await env.cli(['certs', 'list', '--dir', out, '--json']);
    expect(list.json().certificates).toEqual([expect.objectContaining({ serial, status: 'valid' })]);
    expect(readdirSync(out)).toEqual([`wechatpay_${serial}.pem`]);
  });
});
