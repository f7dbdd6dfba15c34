// Merchant transfers against the sandbox through the library, in both key modes (docs/protocol.md §12): create with an
// encrypted payee name → WAIT_USER_CONFIRM with package_info → the simulated payee confirms → SUCCESS with a signed
// MCHTRANSFER.BILL.FINISHED; cancel while waiting → CANCELLED; a receipt downloaded and checked by SHA256; the scene,
// name and idempotency rules; and the sensitive-field refusals on the wire.
import { constants, publicEncrypt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyReceipt, downloadReceipt, queryReceipt } from '../../src/api/transfer-receipts.js';
import { cancelTransfer, createTransfer, queryTransfer, type TransferInput } from '../../src/api/transfers.js';
import { createClient, type WxpayClient } from '../../src/http/client.js';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadMerchant, loadVerifierKeys } from '../../src/config/credentials.js';
import { isWxpayError } from '../../src/protocol/errors.js';
import { loadPrivateKey, loadPublicKey } from '../../src/protocol/keys.js';
import { verifyAndDecrypt } from '../../src/protocol/notification.js';
import { oaepDecrypt } from '../../src/protocol/oaep.js';
import { initSandbox, type SandboxInitResult } from '../../src/sandbox/keyset.js';
import { NOT_CIPHERTEXT_MESSAGE } from '../../src/sandbox/sensitive.js';
import { receiver, waitFor, type Received } from '../helpers/receiver.js';
import { sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (isWxpayError(e)) return { code: e.code, wechatpay: e.wechatpay };
    throw e;
  }
  throw new Error('expected a rejection');
};

const out = mkdtempSync(path.join(os.tmpdir(), 'wxpay-transfer-'));
let base: SandboxInitResult;
beforeAll(async () => {
  base = await sandboxKeySet('cert');
});

describe.each(['cert', 'pubkey'] as const)('merchant transfers in %s mode', (mode) => {
  let t: TestSandbox;
  let client: WxpayClient;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  let open: (r: Received) => Record<string, unknown>;
  const input = (over: Partial<TransferInput> = {}): TransferInput => ({
    appid: base.appid,
    outBillNo: uniqueNo('TB'),
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    amount: 500,
    sceneId: '1000',
    remark: '新会员开通有礼',
    userName: '张三',
    notifyUrl: rcv.url,
    reports: [
      { type: '活动名称', content: '新会员有礼' },
      { type: '奖励说明', content: '注册会员抽奖一等奖' },
    ],
    ...over,
  });

  beforeAll(async () => {
    const init = await initSandbox({ dir: base.dir, mode });
    t = await startTestSandbox(init, { autoRefundMs: -1 });
    rcv = await receiver('/transfer');
    const profile = { ...(await loadConfig({ cwd: init.dir, env: {} })), baseUrl: t.sb.url };
    const keys = await loadVerifierKeys(profile);
    const apiV3Key = await loadApiV3Key(profile, {});
    client = createClient({
      baseUrl: t.sb.url,
      merchant: await loadMerchant(profile),
      keys,
      apiV3Key,
      ...(profile.publicKeyId ? { publicKeyId: profile.publicKeyId } : {}),
    });
    open = (r) =>
      verifyAndDecrypt({ headers: r.headers, rawBody: r.body, keys, apiV3Key, now: Math.floor(Date.now() / 1000) })
        .resource as Record<string, unknown>;
  });
  afterAll(async () => {
    await client.close();
    await t.sb.close();
    rcv.server.close();
  });

  it('create → WAIT_USER_CONFIRM with package_info → payee confirms → SUCCESS, notified', async () => {
    const i = input();
    const created = await createTransfer(client, i);
    expect(created.state).toBe('WAIT_USER_CONFIRM');
    expect(created.package_info).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(created.transfer_bill_no).toMatch(/^1330\d{36}$/);
    const q = await queryTransfer(client, { outBillNo: i.outBillNo });
    expect(q).toMatchObject({ state: 'WAIT_USER_CONFIRM', transfer_amount: 500, openid: i.openid });
    // The answer's user_name is encrypted to the merchant: only the merchant key opens it.
    const merchantKey = loadPrivateKey(await readFile(base.privateKeyPath));
    expect(oaepDecrypt(merchantKey, q.user_name as string)).toBe('张三');

    expect((await t.admin('POST', `/sandbox/transfers/${i.outBillNo}/confirm`)).json.state).toBe('SUCCESS');
    const byNo = await queryTransfer(client, { transferBillNo: created.transfer_bill_no! });
    expect(byNo.state).toBe('SUCCESS');
    const note = await waitFor('the notification', () => rcv.got.find((g) => open(g).out_bill_no === i.outBillNo));
    expect(JSON.parse(note.body.toString()).event_type).toBe('MCHTRANSFER.BILL.FINISHED');
    expect(open(note)).toMatchObject({ state: 'SUCCESS', transfer_amount: 500, mchid: base.mchid });
    const state = (await t.admin('GET', '/sandbox/state')).json.transfers;
    const rec = state.find((x: { outBillNo: string }) => x.outBillNo === i.outBillNo);
    expect(rec.history.map((h: { state: string }) => h.state)).toEqual([
      'ACCEPTED',
      'PROCESSING',
      'WAIT_USER_CONFIRM',
      'TRANSFERING',
      'SUCCESS',
    ]);
  });

  it('cancel while waiting → CANCELING → CANCELLED, notified; a finished bill cannot be cancelled', async () => {
    const i = input();
    await createTransfer(client, i);
    expect((await cancelTransfer(client, i.outBillNo)).state).toBe('CANCELING');
    await waitFor(
      'CANCELLED',
      async () => (await queryTransfer(client, { outBillNo: i.outBillNo })).state === 'CANCELLED',
    );
    const note = await waitFor('the notification', () => rcv.got.find((g) => open(g).out_bill_no === i.outBillNo));
    expect(open(note).state).toBe('CANCELLED');
    expect((await cancelTransfer(client, i.outBillNo)).state).toBe('CANCELLED');
    const done = input();
    await createTransfer(client, done);
    await t.admin('POST', `/sandbox/transfers/${done.outBillNo}/confirm`);
    expect(await rejection(cancelTransfer(client, done.outBillNo))).toMatchObject({
      wechatpay: { status: 400, code: 'INVALID_REQUEST' },
    });
  });

  it('the payee refuses → FAIL with the reason; a forced failure carries its reason', async () => {
    const i = input();
    await createTransfer(client, i);
    expect((await t.admin('POST', `/sandbox/transfers/${i.outBillNo}/refuse`)).json).toMatchObject({
      state: 'FAIL',
      fail_reason: 'OVERDUE_CLOSE',
    });
    const j = input();
    await createTransfer(client, j);
    const forced = await t.admin('POST', `/sandbox/transfers/${j.outBillNo}/fail`, { fail_reason: 'NAME_NOT_CORRECT' });
    expect(forced.json).toMatchObject({ state: 'FAIL', fail_reason: 'NAME_NOT_CORRECT' });
    expect((await t.admin('POST', `/sandbox/transfers/${j.outBillNo}/fail`, { fail_reason: 'NOPE' })).status).toBe(400);
  });

  it('a receipt: apply → FINISHED → downloaded with its SHA256 checked; a tampered file is refused and not written', async () => {
    const i = input();
    await createTransfer(client, i);
    expect((await rejection(applyReceipt(client, i.outBillNo))).wechatpay?.code).toBe('INVALID_REQUEST');
    await t.admin('POST', `/sandbox/transfers/${i.outBillNo}/confirm`);
    expect((await applyReceipt(client, i.outBillNo)).state).toBe('GENERATING');
    const receipt = await waitFor('FINISHED', async () => {
      const r = await queryReceipt(client, i.outBillNo);
      return r.state === 'FINISHED' && r;
    });
    expect(receipt).toMatchObject({ hash_type: 'SHA256', hash_value: expect.stringMatching(/^[0-9A-F]{64}$/) });
    const target = path.join(out, `${mode}-${i.outBillNo}.pdf`);
    const got = await downloadReceipt(client, receipt, target);
    expect(got.hash).toBe(receipt.hash_value);
    expect(readFileSync(target, 'utf8')).toContain(`out_bill_no ${i.outBillNo}`);

    await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'receipt-hash', count: 1 }] });
    const bad = path.join(out, `${mode}-${i.outBillNo}-bad.pdf`);
    const fresh = await queryReceipt(client, i.outBillNo);
    expect((await rejection(downloadReceipt(client, fresh, bad))).code).toBe('HASH_MISMATCH');
    expect(existsSync(bad)).toBe(false);
  });

  it('scene, name and repeat rules', async () => {
    const scene = await rejection(createTransfer(client, input({ sceneId: '1001' })));
    expect(scene.wechatpay).toMatchObject({ status: 400, code: 'INVALID_REQUEST', message: '你尚未获取该转账场景' });
    const reports = await rejection(createTransfer(client, input({ reports: [{ type: '活动名称', content: 'x' }] })));
    expect(reports.wechatpay).toMatchObject({ status: 400, code: 'PARAM_ERROR' });
    const big = await rejection(createTransfer(client, input({ amount: 200_000, userName: undefined })));
    expect(big.wechatpay).toMatchObject({ code: 'PARAM_ERROR', message: '转账金额>=2000元时，收款用户姓名必填' });
    const tiny = await rejection(createTransfer(client, input({ amount: 29 })));
    expect(tiny.wechatpay).toMatchObject({ code: 'PARAM_ERROR', message: '转账金额<0.3元时，不支持填写收款用户姓名' });
    const i = input();
    const first = await createTransfer(client, i);
    expect((await createTransfer(client, i)).transfer_bill_no).toBe(first.transfer_bill_no);
    const changed = await rejection(createTransfer(client, { ...i, amount: 501 }));
    expect(changed.wechatpay).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect((await rejection(queryTransfer(client, { outBillNo: 'NOSUCHBILL1' }))).wechatpay).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('on the wire: a name encrypted with PKCS#1 v1.5, or for another serial, is refused', async () => {
    const serial = mode === 'cert' ? base.platformSerial : t.init.publicKeyId;
    const key = loadPublicKey(await readFile(mode === 'cert' ? base.platformCertPath : t.init.publicKeyPath));
    const body = (userName: string) => ({
      appid: base.appid,
      out_bill_no: uniqueNo('TW'),
      transfer_scene_id: '1005',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_name: userName,
      transfer_amount: 300,
      transfer_remark: '佣金',
      transfer_scene_report_infos: [
        { info_type: '岗位类型', info_content: '推广员' },
        { info_type: '报酬说明', info_content: '7月佣金' },
      ],
    });
    const v15 = publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('张三')).toString('base64');
    const r1 = await t.call('POST', '/v3/fund-app/mch-transfer/transfer-bills', body(v15), {
      headers: { 'Wechatpay-Serial': serial },
    });
    expect([r1.status, r1.json.code, r1.json.message]).toEqual([400, 'PARAM_ERROR', NOT_CIPHERTEXT_MESSAGE]);
    const oaep = publicEncrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from('张三'),
    ).toString('base64');
    const r2 = await t.call('POST', '/v3/fund-app/mch-transfer/transfer-bills', body(oaep), {
      headers: { 'Wechatpay-Serial': mode === 'cert' ? t.init.publicKeyId : base.platformSerial },
    });
    expect([r2.status, r2.json.code]).toEqual([400, 'PARAM_ERROR']);
    const r3 = await t.call('POST', '/v3/fund-app/mch-transfer/transfer-bills', body(oaep), {
      headers: { 'Wechatpay-Serial': serial },
    });
    expect([r3.status, r3.json.state]).toEqual([200, 'WAIT_USER_CONFIRM']);
  });
});
