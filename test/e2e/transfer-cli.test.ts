// Merchant transfers end to end through bin/wxpay against the sandbox, in both key modes (docs/protocol.md §12): a
// transfer through the payee's confirmation to SUCCESS with MCHTRANSFER.BILL.FINISHED received by a spawned
// `wxpay webhook serve` (live line and journal) and printed by `notify decrypt`; a transfer cancelled while waiting; a
// receipt downloaded with its SHA256 checked; confirmation rules and --dry-run.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/receiver.js';
import { uniqueNo } from '../helpers/sandbox.js';
import { sandboxEnv, type Env } from './cmd-sandbox-helpers.js';
import { startWebhookServe } from './webhook-serve-helper.js';

async function webhookServe(env: Env) {
  const journal = path.join(env.dir, 'webhooks.ndjson');
  const srv = await startWebhookServe({
    cwd: env.dir,
    journal,
    env: { WXPAY_BASE_URL: env.sb.url },
    record: `wxpay webhook serve (transfer ${env.mode})`,
  });
  return { ...srv, journal };
}

const createArgs = (no: string, notifyUrl: string, extra: string[] = []) => [
  'transfer',
  'create',
  '--out-bill-no',
  no,
  '--openid',
  'o-MYE42l80oelYMDE34nYD456Xoy',
  '--amount',
  '500',
  '--scene-id',
  '1000',
  '--remark',
  '新会员有礼',
  '--scene-report',
  '活动名称=新会员有礼',
  '--scene-report',
  '奖励说明=注册会员抽奖',
  '--user-name',
  '张三',
  '--notify-url',
  notifyUrl,
  ...extra,
];

describe.each(['cert', 'pubkey'] as const)('wxpay transfer in %s mode', (mode) => {
  let env: Env;
  let wh: Awaited<ReturnType<typeof webhookServe>>;
  beforeAll(async () => {
    env = await sandboxEnv(mode);
    wh = await webhookServe(env);
  });
  afterAll(async () => {
    wh.child.kill('SIGTERM');
    await new Promise((r) => wh.child.once('exit', r));
    await env.close();
  });

  it('create → WAIT_USER_CONFIRM with package_info → payee confirms → SUCCESS; webhook serve and notify decrypt show it', async () => {
    const no = uniqueNo('TC');
    const human = await env.cli(createArgs(no, wh.url, ['--yes']));
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/state\s+WAIT_USER_CONFIRM/);
    expect(human.stdout).toMatch(/package_info\s+[A-Za-z0-9+/]{64}/);
    expect(human.stderr).toContain('wx.requestMerchantTransfer');

    await env.admin('POST', `/sandbox/transfers/${no}/confirm`);
    const q = await env.cli(['transfer', 'query', no, '--json']);
    expect(q.json()).toMatchObject({ out_bill_no: no, state: 'SUCCESS', transfer_amount: 500 });

    const live = await waitFor('the live event', () => wh.events.find((e) => e.out_bill_no === no));
    expect(live).toMatchObject({
      outcome: 'accepted',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      amount: 500,
      state: 'SUCCESS',
    });
    const entry = readFileSync(wh.journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { resource?: { out_bill_no?: string }; outcome?: string })
      .find((e) => e.resource?.out_bill_no === no)!;
    expect(entry).toMatchObject({ outcome: 'accepted', resource: { state: 'SUCCESS', transfer_amount: 500 } });
    const capture = path.join(env.dir, `capture-${no}.json`);
    writeFileSync(capture, JSON.stringify(entry));
    const dec = await env.cli(['notify', 'decrypt', '--capture', capture, '--json']);
    expect(dec.code, dec.stderr).toBe(0);
    expect(JSON.stringify(dec.json())).toContain(`"out_bill_no":"${no}"`);
  });

  it('cancel while waiting → CANCELING → CANCELLED; without a TTY and --yes nothing is sent', async () => {
    const no = uniqueNo('TX');
    expect((await env.cli(createArgs(no, wh.url, ['--yes', '--json']))).json().state).toBe('WAIT_USER_CONFIRM');
    const refused = await env.cli(['transfer', 'cancel', no]);
    expect(refused.code).toBe(2);
    const c = await env.cli(['transfer', 'cancel', no, '--yes', '--json']);
    expect(c.json()).toMatchObject({ out_bill_no: no, state: 'CANCELING' });
    await waitFor(
      'CANCELLED',
      async () => (await env.cli(['transfer', 'query', no, '--json'])).json().state === 'CANCELLED',
    );
    expect(await waitFor('the live event', () => wh.events.find((e) => e.out_bill_no === no))).toMatchObject({
      state: 'CANCELLED',
    });
  });

  it('a receipt is applied for, FINISHED, and downloaded with its SHA256 checked', async () => {
    const no = uniqueNo('TR');
    expect((await env.cli(createArgs(no, wh.url, ['--yes']))).code).toBe(0);
    await env.admin('POST', `/sandbox/transfers/${no}/confirm`);
    expect((await env.cli(['transfer', 'receipt', 'apply', no, '--json'])).json().state).toBe('GENERATING');
    const r = await waitFor('FINISHED', async () => {
      const j = (await env.cli(['transfer', 'receipt', 'query', no, '--json'])).json();
      return j.state === 'FINISHED' && j;
    });
    expect(r.download_url).toBeUndefined();
    const file = path.join(env.dir, `${no}.pdf`);
    const d = await env.cli(['transfer', 'receipt', 'download', no, '--output', file, '--json']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.json()).toMatchObject({ sha256: r.hash_value, hashChecked: true });
    expect(createHash('sha256').update(readFileSync(file)).digest('hex').toUpperCase()).toBe(r.hash_value);
  });

  it('--dry-run names the key the payee name is encrypted to, sets its Wechatpay-Serial, and sends nothing', async () => {
    const no = uniqueNo('TD');
    const before = await env.count('POST /v3/fund-app/mch-transfer/transfer-bills');
    const dry = await env.cli(createArgs(no, wh.url, ['--dry-run', '--json']));
    expect(dry.code, dry.stderr).toBe(0);
    const { request } = dry.json();
    const serial = mode === 'pubkey' ? /^PUB_KEY_ID_\d+$/ : /^[0-9A-F]{40}$/;
    expect(request.headers['Wechatpay-Serial']).toMatch(serial);
    const body = JSON.parse(request.body);
    // Each encryption gives another ciphertext, so the dry run names the key instead of printing one.
    expect(body.user_name).toBe(`<RSA-OAEP-SHA1 ciphertext of user_name for ${request.headers['Wechatpay-Serial']}>`);
    expect(request.body).not.toContain('张三');
    expect(await env.count('POST /v3/fund-app/mch-transfer/transfer-bills')).toBe(before);
    expect((await env.cli(['transfer', 'query', no])).code).toBe(5);
  });
});
