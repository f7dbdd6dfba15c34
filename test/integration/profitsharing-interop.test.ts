// Interop: wechatpay-axios-plugin's generic client drives the sandbox's profit-sharing endpoints with its own signing,
// its own response verification and its own RSA-OAEP encryption of receiver names (with Wechatpay-Serial), in cert
// and pubkey mode: receivers add, split, query, unsplit amount, return, return query, unfreeze.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { Rsa, useInteropSandbox } from '../helpers/axios-interop.js';
import { uniqueNo } from '../helpers/sandbox.js';

const json = { 'Content-Type': 'application/json' };
const RECEIVER = '1900000109';

const { keys, start, client } = useInteropSandbox();

describe.each(['cert', 'pubkey'] as const)('wechatpay-axios-plugin splits through the sandbox in %s mode', (mode) => {
  let wxpay: any;
  let sb: SandboxHandle;
  const serial = () => (mode === 'cert' ? keys.init.platformSerial : keys.init.publicKeyId);
  /** The plugin's own OAEP encryption, to the key the serial names. */
  const seal = (text: string) =>
    Rsa.encrypt(text, Rsa.from(mode === 'cert' ? keys.platformPem : keys.publicPem, 'public'));
  const admin = (p: string) => fetch(`${sb.url}${p}`, { method: 'POST', headers: json });

  beforeAll(async () => {
    sb = await start(mode);
    wxpay = client(sb, { [serial()]: mode === 'cert' ? keys.platformPem : keys.publicPem });
  });

  it('adds a receiver with an encrypted name, splits, returns and unfreezes; the amounts agree', async () => {
    const sent = { headers: { 'Wechatpay-Serial': serial() } };
    const added = await wxpay.v3.profitsharing.receivers.add.post(
      {
        appid: keys.init.appid,
        type: 'MERCHANT_ID',
        account: RECEIVER,
        name: seal('深圳某某公司'),
        relation_type: 'STORE',
      },
      sent,
    );
    expect(added.data).toEqual({ type: 'MERCHANT_ID', account: RECEIVER, relation_type: 'STORE' });
    expect(sb.state.profitSharing.receivers.get(`${keys.init.mchid}//MERCHANT_ID/${RECEIVER}`)?.name).toBe(
      '深圳某某公司',
    );

    const no = uniqueNo('AX');
    await wxpay.v3.pay.transactions.native.post({
      appid: keys.init.appid,
      mchid: keys.init.mchid,
      description: 'split interop',
      out_trade_no: no,
      notify_url: 'https://example.com/notify',
      amount: { total: 100, currency: 'CNY' },
      settle_info: { profit_sharing: true },
    });
    await admin(`/sandbox/orders/${no}/pay`);
    const tx = (
      await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
        params: { mchid: keys.init.mchid },
        out_trade_no: no,
      })
    ).data.transaction_id as string;
    const amounts = async () =>
      (await wxpay.v3.profitsharing.transactions._transaction_id_.amounts.get({ transaction_id: tx })).data;

    const outOrderNo = uniqueNo('P');
    const receiver = {
      type: 'MERCHANT_ID',
      account: RECEIVER,
      name: seal('深圳某某公司'),
      amount: 30,
      description: '分给门店',
    };
    const split = await wxpay.v3.profitsharing.orders.post(
      { transaction_id: tx, out_order_no: outOrderNo, receivers: [receiver], unfreeze_unsplit: false },
      sent,
    );
    expect(split.data).toMatchObject({ state: 'PROCESSING', receivers: [{ amount: 30, result: 'PENDING' }] });
    expect(await amounts()).toEqual({ transaction_id: tx, unsplit_amount: 70 });
    await admin(`/sandbox/profitsharing/orders/${outOrderNo}/finish`);
    const queried = await wxpay.v3.profitsharing.orders._out_order_no_.get({
      out_order_no: outOrderNo,
      params: { transaction_id: tx },
    });
    expect(queried.data).toMatchObject({ state: 'FINISHED', receivers: [{ result: 'SUCCESS' }] });

    const outReturnNo = uniqueNo('RT');
    const ret = await wxpay.v3.profitsharing.returnOrders.post({
      out_order_no: outOrderNo,
      out_return_no: outReturnNo,
      return_mchid: RECEIVER,
      amount: 10,
      description: '用户退款',
    });
    expect(ret.data).toMatchObject({ result: 'PROCESSING', amount: 10, order_id: split.data.order_id });
    await admin(`/sandbox/profitsharing/returns/${outReturnNo}/finish`);
    const rq = await wxpay.v3.profitsharing.returnOrders._out_return_no_.get({
      out_return_no: outReturnNo,
      params: { out_order_no: outOrderNo },
    });
    expect(rq.data).toMatchObject({ result: 'SUCCESS', amount: 10 });
    expect((await amounts()).unsplit_amount).toBe(70);

    const thaw = await wxpay.v3.profitsharing.orders.unfreeze.post({
      transaction_id: tx,
      out_order_no: uniqueNo('U'),
      description: '解冻全部剩余资金',
    });
    expect(thaw.data.receivers).toEqual([expect.objectContaining({ account: keys.init.mchid, amount: 70 })]);
    expect((await amounts()).unsplit_amount).toBe(0);
  });
});
