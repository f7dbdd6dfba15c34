// Profit sharing and the abnormal refund end to end through the client's api/ functions against the sandbox, in both
// key modes: receivers added with an encrypted name, a split, a return and an unfreeze with the unsplit amount
// agreeing at each step, the PROFITSHARING.* notifications, and an ABNORMAL refund sent to a bank card to SUCCESS.
import { constants, publicEncrypt } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReturn, addReceiver, deleteReceiver, queryReturn } from '../../src/api/profitsharing-receivers.js';
import { createSplit, querySplit, unfreeze, unsplitAmount } from '../../src/api/profitsharing.js';
import { applyProfitSharingBill, downloadBill } from '../../src/api/bills.js';
import { applyAbnormalRefund, createRefund, queryRefund } from '../../src/api/refunds.js';
import { chinaDate } from '../../src/protocol/china-time.js';
import { encryptionKeyFor, type EncryptionKey } from '../../src/api/sensitive.js';
import { queryOrder } from '../../src/api/transactions.js';
import { createClient, type WxpayClient } from '../../src/http/client.js';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadMerchant, loadVerifierKeys } from '../../src/config/credentials.js';
import { verifyAndDecrypt } from '../../src/protocol/notification.js';
import type { KeyStore } from '../../src/protocol/keys.js';
import { initSandbox, type SandboxInitResult } from '../../src/sandbox/keyset.js';
import { receiver, waitFor, type Received } from '../helpers/receiver.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

const RECEIVER_MCHID = '1900000109';
let base: SandboxInitResult;
beforeAll(async () => {
  base = await sandboxKeySet('cert');
});

describe.each(['cert', 'pubkey'] as const)('profit sharing and abnormal refund in %s mode', (mode) => {
  let t: TestSandbox;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  let client: WxpayClient;
  let keys: KeyStore;
  let apiV3Key: Awaited<ReturnType<typeof loadApiV3Key>>;
  let key: EncryptionKey;
  const rejection = (status: number, code: string) => ({ code: 'WECHATPAY_ERROR', wechatpay: { status, code } });

  /** A paid order; with profit sharing unless told otherwise. Returns its transaction_id. */
  async function paidOrder(total: number, profitSharing = true): Promise<string> {
    const no = uniqueNo('PS');
    const body = { ...jsapiBody(t.init, no, rcv.url, total), settle_info: { profit_sharing: profitSharing } };
    expect((await t.call('POST', '/v3/pay/transactions/jsapi', body)).status).toBe(200);
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
    return (await queryOrder(client, { outTradeNo: no })).transaction_id!;
  }
  const open = (r: Received) =>
    verifyAndDecrypt({ headers: r.headers, rawBody: r.body, keys, apiV3Key, now: Math.floor(Date.now() / 1000) });
  const eventsOf = (type: string) => rcv.got.map(open).filter((n) => n.event.event_type === type);

  beforeAll(async () => {
    const init = await initSandbox({ dir: base.dir, mode });
    t = await startTestSandbox(init, { autoRefundMs: -1, billClockOffsetMs: 2 * 86_400_000 });
    rcv = await receiver();
    const profile = await loadConfig({ cwd: init.dir, env: {} });
    keys = await loadVerifierKeys(profile);
    apiV3Key = await loadApiV3Key(profile, {});
    client = createClient({ baseUrl: t.sb.url, merchant: await loadMerchant(profile), keys, apiV3Key });
    key = await encryptionKeyFor(client);
    await addReceiver(
      client,
      {
        appid: init.appid,
        type: 'MERCHANT_ID',
        account: RECEIVER_MCHID,
        name: '深圳腾大餐饮有限公司',
        relationType: 'STORE',
      },
      key,
    );
  });
  afterAll(async () => {
    await client.close();
    await t.sb.close();
    rcv.server.close();
  });

  it('encrypts to the key of the mode: the public key in pubkey mode, the platform certificate in cert mode', () => {
    expect(key.serial).toBe(mode === 'cert' ? t.init.platformSerial : t.init.publicKeyId);
  });

  it('a split, a return and an unfreeze, with the unsplit amount agreeing at every step', async () => {
    const tx = await paidOrder(100);
    expect(await unsplitAmount(client, tx)).toEqual({ transaction_id: tx, unsplit_amount: 100 });
    const outOrderNo = uniqueNo('S');
    const receivers = [{ type: 'MERCHANT_ID' as const, account: RECEIVER_MCHID, amount: 30, description: '分给门店' }];
    const split = await createSplit(client, { transactionId: tx, outOrderNo, receivers, unfreezeUnsplit: false }, key);
    expect(split).toMatchObject({ transaction_id: tx, out_order_no: outOrderNo, state: 'PROCESSING' });
    expect(split.receivers![0]).toMatchObject({ account: RECEIVER_MCHID, amount: 30, result: 'PENDING' });
    expect(split.order_id).toMatch(/^3008\d{24}$/);
    expect((await unsplitAmount(client, tx)).unsplit_amount).toBe(70);

    expect((await t.admin('POST', `/sandbox/profitsharing/orders/${outOrderNo}/finish`)).json.state).toBe('FINISHED');
    const done = await querySplit(client, outOrderNo, tx);
    expect(done).toMatchObject({ state: 'FINISHED', order_id: split.order_id });
    expect(done.receivers![0]).toMatchObject({ result: 'SUCCESS', amount: 30 });
    const shared = await waitFor('PROFITSHARING.SUCCESS', () => eventsOf('PROFITSHARING.SUCCESS')[0]);
    expect(shared.event.resource.original_type).toBe('profitsharing');
    expect(shared.resource).toMatchObject({
      transaction_id: tx,
      out_order_no: outOrderNo,
      order_id: split.order_id,
      receiver: { type: 'MERCHANT_ID', account: RECEIVER_MCHID, amount: 30 },
    });

    const outReturnNo = uniqueNo('RT');
    const ret = await createReturn(client, {
      split: { outOrderNo },
      outReturnNo,
      returnMchid: RECEIVER_MCHID,
      amount: 10,
      description: '用户退款',
    });
    expect(ret).toMatchObject({ result: 'PROCESSING', amount: 10, order_id: split.order_id });
    await t.admin('POST', `/sandbox/profitsharing/returns/${outReturnNo}/finish`);
    expect(await queryReturn(client, outReturnNo, outOrderNo)).toMatchObject({ result: 'SUCCESS', amount: 10 });
    const back = await waitFor('PROFITSHARING.RETURN', () => eventsOf('PROFITSHARING.RETURN')[0]);
    expect(back.resource).toMatchObject({ out_order_no: outReturnNo, receiver: { amount: 10 } });
    // Returned money goes to the merchant's balance, not back into the frozen amount.
    expect((await unsplitAmount(client, tx)).unsplit_amount).toBe(70);
    await expect(
      createReturn(client, {
        split: { outOrderNo },
        outReturnNo: uniqueNo('RT'),
        returnMchid: RECEIVER_MCHID,
        amount: 21,
        description: 'x',
      }),
    ).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));

    const thaw = await unfreeze(client, {
      transactionId: tx,
      outOrderNo: uniqueNo('U'),
      description: '解冻全部剩余资金',
    });
    expect(thaw.receivers).toEqual([expect.objectContaining({ account: t.init.mchid, amount: 70, result: 'PENDING' })]);
    expect((await unsplitAmount(client, tx)).unsplit_amount).toBe(0);
    await expect(
      createSplit(client, { transactionId: tx, outOrderNo: uniqueNo('S'), receivers, unfreezeUnsplit: false }),
    ).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));
  });

  it('the profit-sharing bill lists the split and the return, downloaded and SHA1-checked by the bill pipeline', async () => {
    const tx = await paidOrder(100);
    const outOrderNo = uniqueNo('SB');
    const receivers = [{ type: 'MERCHANT_ID' as const, account: RECEIVER_MCHID, amount: 25, description: '账单' }];
    await createSplit(client, { transactionId: tx, outOrderNo, receivers, unfreezeUnsplit: false });
    await t.admin('POST', `/sandbox/profitsharing/orders/${outOrderNo}/finish`);
    const outReturnNo = uniqueNo('RB');
    await createReturn(client, {
      split: { outOrderNo },
      outReturnNo,
      returnMchid: RECEIVER_MCHID,
      amount: 5,
      description: '回退',
    });
    await t.admin('POST', `/sandbox/profitsharing/returns/${outReturnNo}/finish`);
    const apply = await applyProfitSharingBill(client, { billDate: chinaDate(Date.now()), gzip: true });
    const target = path.join(mkdtempSync(path.join(tmpdir(), 'wxpay-ps-bill-')), 'splits.json');
    const got = await downloadBill(client, apply, { gzip: true, format: 'json', target });
    expect(got.kind).toBe('profitsharing');
    const doc = JSON.parse(readFileSync(target, 'utf8')) as { rows: Array<Record<string, string>>; summary: object };
    const mine = doc.rows.filter((r) => r.out_order_no === outOrderNo || r.out_order_no === outReturnNo);
    expect(mine.map((r) => [r.business_type, r.receiver_account, r.split_amount, r.transaction_id])).toEqual([
      ['分账', RECEIVER_MCHID, '0.25', tx],
      ['回退', RECEIVER_MCHID, '0.05', tx],
    ]);
    expect(got.totalsMismatch).toEqual([]);
  });

  it('refuses a split of an order paid without profit_sharing, beyond the unsplit amount, or to a receiver not added', async () => {
    const plain = await paidOrder(100, false);
    const to = (amount: number, account = RECEIVER_MCHID) => [
      { type: 'MERCHANT_ID' as const, account, amount, description: 'x' },
    ];
    await expect(unsplitAmount(client, plain)).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));
    await expect(
      createSplit(client, { transactionId: plain, outOrderNo: uniqueNo('S'), receivers: to(1), unfreezeUnsplit: true }),
    ).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));
    const tx = await paidOrder(50);
    await expect(
      createSplit(client, { transactionId: tx, outOrderNo: uniqueNo('S'), receivers: to(51), unfreezeUnsplit: false }),
    ).rejects.toMatchObject(rejection(403, 'NOT_ENOUGH'));
    await expect(
      createSplit(client, {
        transactionId: tx,
        outOrderNo: uniqueNo('S'),
        receivers: to(5, '1900000999'),
        unfreezeUnsplit: false,
      }),
    ).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));
    const other = {
      appid: t.init.appid,
      type: 'MERCHANT_ID' as const,
      account: '1900000888',
      name: '另一家公司',
      relationType: 'PARTNER' as const,
    };
    await addReceiver(client, other, key);
    await deleteReceiver(client, other);
    await expect(
      createSplit(client, {
        transactionId: tx,
        outOrderNo: uniqueNo('S'),
        receivers: to(5, '1900000888'),
        unfreezeUnsplit: false,
      }),
    ).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));
    // unfreeze_unsplit: the rest goes back to the merchant in the same split.
    const split = await createSplit(client, {
      transactionId: tx,
      outOrderNo: uniqueNo('S'),
      receivers: to(20),
      unfreezeUnsplit: true,
    });
    expect(split.receivers!.map((r) => [r.account, r.amount])).toEqual([
      [RECEIVER_MCHID, 20],
      [t.init.mchid, 30],
    ]);
    expect((await unsplitAmount(client, tx)).unsplit_amount).toBe(0);
  });

  it('a receiver name sealed with PKCS#1 v1.5, or sent under another serial, is refused with PARAM_ERROR', async () => {
    const v15 = publicEncrypt(
      { key: key.publicKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from('某公司'),
    ).toString('base64');
    const body = { appid: t.init.appid, type: 'MERCHANT_ID', account: '1900000777', name: v15, relation_type: 'STORE' };
    const sent = await t.call('POST', '/v3/profitsharing/receivers/add', body, {
      headers: { 'Wechatpay-Serial': key.serial },
    });
    expect([sent.status, sent.json.code, sent.json.detail.location]).toEqual([400, 'PARAM_ERROR', 'body']);
    const other = mode === 'cert' ? t.init.publicKeyId : t.init.platformSerial;
    const wrong = await t.call('POST', '/v3/profitsharing/receivers/add', body, {
      headers: { 'Wechatpay-Serial': other },
    });
    expect([wrong.status, wrong.json.code, wrong.json.detail.location]).toEqual([400, 'PARAM_ERROR', 'header']);
    expect(t.sb.state.profitSharing.receivers.has(`${t.init.mchid}//MERCHANT_ID/1900000777`)).toBe(false);
  });

  it('an ABNORMAL refund goes to the payer bank card: PROCESSING, then SUCCESS with REFUND.SUCCESS', async () => {
    const tx = await paidOrder(100, false);
    const outRefundNo = uniqueNo('R');
    const refund = await createRefund(client, {
      transactionId: tx,
      outRefundNo,
      refund: 40,
      total: 100,
      notifyUrl: rcv.url,
    });
    const abnormal = {
      refundId: refund.refund_id!,
      outRefundNo,
      type: 'USER_BANK_CARD' as const,
      bankType: 'CMB_DEBIT',
      bankAccount: '6214830000001234',
      realName: '张三',
    };
    await expect(applyAbnormalRefund(client, abnormal, key)).rejects.toMatchObject(rejection(400, 'INVALID_REQUEST'));
    expect((await t.admin('POST', `/sandbox/refunds/${outRefundNo}/fail`, { status: 'ABNORMAL' })).json.status).toBe(
      'ABNORMAL',
    );
    const applied = await applyAbnormalRefund(client, abnormal, key);
    expect(applied).toMatchObject({
      status: 'PROCESSING',
      channel: 'OTHER_BANKCARD',
      user_received_account: '招商银行借记卡1234',
    });
    expect((await t.admin('POST', `/sandbox/refunds/${outRefundNo}/complete`)).json.status).toBe('SUCCESS');
    expect(await queryRefund(client, outRefundNo)).toMatchObject({ status: 'SUCCESS', refund_id: refund.refund_id });
    const ok = await waitFor('REFUND.SUCCESS', () =>
      rcv.got
        .map(open)
        .find((n) => n.event.event_type === 'REFUND.SUCCESS' && n.resource.out_refund_no === outRefundNo),
    );
    expect(ok.resource).toMatchObject({ refund_status: 'SUCCESS', user_received_account: '招商银行借记卡1234' });
    const notified = rcv.got.map(open).filter((n) => n.resource.out_refund_no === outRefundNo);
    expect(notified.map((n) => n.event.event_type)).toEqual(['REFUND.ABNORMAL', 'REFUND.SUCCESS']);
  });
});
