// `wxpay profitsharing …`, `wxpay prepay --profit-sharing` and `wxpay refund abnormal` through bin/wxpay against the
// sandbox, in both key modes: receivers added with an encrypted name, a split, a return and an unfreeze with
// `profitsharing amounts` agreeing at each step; an ABNORMAL refund sent to a bank card and on to SUCCESS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFY, prepayArgs, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

const RECEIVER = '1900000109';
let seq = 0;
const no = (p: string) => `${p}${Date.now()}${seq++}`;

describe.each(['cert', 'pubkey'] as const)('profit sharing and abnormal refund commands, %s mode', (mode) => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv(mode);
  });
  afterAll(async () => {
    await env.close();
  });

  async function paid(profitSharing: boolean): Promise<string> {
    const order = no('PS');
    const r = await env.cli([...prepayArgs('native', order), ...(profitSharing ? ['--profit-sharing'] : [])]);
    expect(r.code, r.stderr).toBe(0);
    await env.admin('POST', `/sandbox/orders/${order}/pay`);
    return (await env.cli(['query', order, '--json'])).json().transaction_id as string;
  }
  const amounts = async (tx: string) =>
    (await env.cli(['profitsharing', 'amounts', tx, '--json'])).json().unsplit_amount as number;

  it('prepay --profit-sharing; receivers add; split, return and unfreeze with the amounts agreeing', async () => {
    const add = await env.cli([
      'profitsharing',
      'receivers',
      'add',
      '--type',
      'MERCHANT_ID',
      '--account',
      RECEIVER,
      '--name',
      '深圳某某餐饮有限公司',
      '--relation',
      'STORE',
      '--json',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json()).toMatchObject({ type: 'MERCHANT_ID', account: RECEIVER, relation_type: 'STORE' });
    // The name was decrypted by the sandbox with the key of the serial sent: the key of this mode.
    const held = env.sb.state.profitSharing.receivers.get(`${env.sb.context.keys.mchid}//MERCHANT_ID/${RECEIVER}`);
    expect(held?.name).toBe('深圳某某餐饮有限公司');

    const tx = await paid(true);
    expect(await amounts(tx)).toBe(100);
    const split = no('S');
    const noYes = await env.cli([
      'profitsharing',
      'order',
      'create',
      '--transaction-id',
      tx,
      '--out-order-no',
      split,
      '--receiver',
      `MERCHANT_ID:${RECEIVER}:30:分给门店`,
    ]);
    expect([noYes.code, noYes.stderr]).toEqual([2, expect.stringContaining('--yes')]);
    const created = await env.cli([
      'profitsharing',
      'order',
      'create',
      '--transaction-id',
      tx,
      '--out-order-no',
      split,
      '--receiver',
      `MERCHANT_ID:${RECEIVER}:30:分给门店`,
      '--yes',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/state\s+PROCESSING/);
    expect(created.stdout).toContain(`MERCHANT_ID ${RECEIVER}  30 fen (0.30 CNY)  PENDING  分给门店`);
    expect(await amounts(tx)).toBe(70);
    await env.admin('POST', `/sandbox/profitsharing/orders/${split}/finish`);
    const q = await env.cli(['profitsharing', 'order', 'query', split, '--transaction-id', tx, '--json']);
    expect(q.json()).toMatchObject({ state: 'FINISHED', receivers: [{ account: RECEIVER, result: 'SUCCESS' }] });

    const ret = no('RT');
    const back = await env.cli([
      'profitsharing',
      'return',
      'create',
      '--out-order-no',
      split,
      '--out-return-no',
      ret,
      '--return-mchid',
      RECEIVER,
      '--amount',
      '10',
      '--yes',
      '--json',
    ]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json()).toMatchObject({ result: 'PROCESSING', amount: 10 });
    await env.admin('POST', `/sandbox/profitsharing/returns/${ret}/finish`);
    const rq = await env.cli(['profitsharing', 'return', 'query', ret, '--out-order-no', split]);
    expect(rq.stdout).toMatch(/result\s+SUCCESS/);
    expect(await amounts(tx)).toBe(70);

    const thaw = await env.cli([
      'profitsharing',
      'unfreeze',
      '--transaction-id',
      tx,
      '--out-order-no',
      no('U'),
      '--yes',
      '--json',
    ]);
    expect(thaw.code, thaw.stderr).toBe(0);
    expect(thaw.json().receivers).toEqual([expect.objectContaining({ amount: 70, description: '解冻全部剩余资金' })]);
    expect(await amounts(tx)).toBe(0);
  }, 120_000);

  it('a split of an order paid without --profit-sharing is refused by WeChat Pay (exit 5); --dry-run sends nothing', async () => {
    const tx = await paid(false);
    const r = await env.cli([
      'profitsharing',
      'order',
      'create',
      '--transaction-id',
      tx,
      '--out-order-no',
      no('S'),
      '--receiver',
      `MERCHANT_ID:${RECEIVER}:1:x`,
      '--yes',
      '--json',
    ]);
    expect(r.code).toBe(5);
    expect(r.error()).toMatchObject({
      code: 'WECHATPAY_ERROR',
      wechatpay: { code: 'INVALID_REQUEST', message: '非分账订单不支持分账' },
    });
    const before = await env.count('POST /v3/profitsharing/orders');
    const dry = await env.cli([
      'profitsharing',
      'order',
      'create',
      '--transaction-id',
      tx,
      '--out-order-no',
      no('S'),
      '--receiver',
      `MERCHANT_ID:${RECEIVER}:1:x`,
      '--receiver-name',
      `${RECEIVER}=某公司`,
      '--dry-run',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    const serial = mode === 'cert' ? env.sb.context.keys.platform.at(-1)!.serial : env.sb.context.keys.publicKeyId;
    expect(dry.stdout).toContain(`Wechatpay-Serial: ${serial}`);
    expect(dry.stdout).not.toContain('某公司');
    expect(await env.count('POST /v3/profitsharing/orders')).toBe(before);
  }, 120_000);

  it('refund abnormal: an ABNORMAL refund goes to the payer bank card, PROCESSING then SUCCESS', async () => {
    const order = no('AB');
    await env.cli(prepayArgs('native', order));
    await env.admin('POST', `/sandbox/orders/${order}/pay`);
    const refundNo = no('R');
    const created = await env.cli([
      'refund',
      'create',
      '--out-trade-no',
      order,
      '--out-refund-no',
      refundNo,
      '--amount',
      '60',
      '--total',
      '100',
      '--notify-url',
      NOTIFY,
      '--yes',
      '--json',
    ]);
    const refundId = created.json().refund_id as string;
    await env.admin('POST', `/sandbox/refunds/${refundNo}/fail`, { status: 'ABNORMAL' });
    const args = [
      'refund',
      'abnormal',
      refundId,
      '--out-refund-no',
      refundNo,
      '--type',
      'USER_BANK_CARD',
      '--bank-type',
      'ICBC_DEBIT',
      '--bank-account',
      '6222020000005678',
      '--real-name',
      '李四',
      '--yes',
    ];
    const applied = await env.cli([...args, '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.json()).toMatchObject({ status: 'PROCESSING', user_received_account: '工商银行借记卡5678' });
    expect(applied.stdout).not.toContain('6222020000005678');
    await env.admin('POST', `/sandbox/refunds/${refundNo}/complete`);
    expect((await env.cli(['refund', 'query', refundNo, '--json'])).json()).toMatchObject({
      status: 'SUCCESS',
      channel: 'OTHER_BANKCARD',
    });
    const again = await env.cli([...args, '--json']);
    expect(again.code).toBe(5);
    expect(again.error()).toMatchObject({ wechatpay: { code: 'INVALID_REQUEST' } });
  }, 120_000);
});
