// Interop: wechatpay-axios-plugin's generic client drives the sandbox's merchant-transfer endpoints
// (docs/protocol.md §12) with its own signing, its own response verification and its own RSA-OAEP encryption of
// user_name, in both key modes: create → the payee confirms → SUCCESS, query by either number, cancel, receipt; and
// the sandbox decrypts the plugin's ciphertext only under the serial it was made for.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxKeys } from '../../src/sandbox/keyset.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { NOT_CIPHERTEXT_MESSAGE } from '../../src/sandbox/sensitive.js';
import { Rsa, useInteropSandbox } from '../helpers/axios-interop.js';
import { uniqueNo } from '../helpers/sandbox.js';

const { keys, start, client } = useInteropSandbox();

const body = (no: string, userName?: string) => ({
  appid: keys.init.appid,
  out_bill_no: no,
  transfer_scene_id: '1005',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  ...(userName !== undefined ? { user_name: userName } : {}),
  transfer_amount: 300,
  transfer_remark: '七月佣金',
  transfer_scene_report_infos: [
    { info_type: '岗位类型', info_content: '推广员' },
    { info_type: '报酬说明', info_content: '七月佣金' },
  ],
});

describe.each(['cert', 'pubkey'] as const)('wechatpay-axios-plugin drives transfers in %s mode', (mode) => {
  let wxpay: any;
  let sb: SandboxHandle;
  let serial: string;
  let pem: string;
  const admin = (p: string) =>
    fetch(`${sb.url}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } });

  beforeAll(async () => {
    sb = await start(mode);
    serial = mode === 'cert' ? keys.init.platformSerial : keys.init.publicKeyId;
    pem = mode === 'cert' ? keys.platformPem : keys.publicPem;
    wxpay = client(sb, { [serial]: pem });
  });

  it('create with a plugin-encrypted name → confirm → SUCCESS; query by both numbers; receipt; cancel', async () => {
    const transfers = wxpay.v3.fundApp.mchTransfer.transferBills;
    const no = uniqueNo('TI');
    const name = Rsa.encrypt('张三', Rsa.from(pem, 'public'));
    const created = await transfers.post(body(no, name), { headers: { 'Wechatpay-Serial': serial } });
    expect(created.data).toMatchObject({ out_bill_no: no, state: 'WAIT_USER_CONFIRM' });
    expect(created.headers['wechatpay-serial']).toBe(serial);
    expect((await admin(`/sandbox/transfers/${no}/confirm`)).status).toBe(200);
    const byOut = await transfers.outBillNo._out_bill_no_.get({ out_bill_no: no });
    expect(byOut.data).toMatchObject({ state: 'SUCCESS', transfer_amount: 300 });
    const byId = await transfers.transferBillNo._transfer_bill_no_.get({
      transfer_bill_no: created.data.transfer_bill_no,
    });
    expect(byId.data.out_bill_no).toBe(no);
    // The sandbox stored what it decrypted from the plugin's ciphertext.
    const state = (await (await fetch(`${sb.url}/sandbox/state`)).json()) as {
      transfers: Array<{ outBillNo: string; userName?: string }>;
    };
    expect(state.transfers.find((t) => t.outBillNo === no)?.userName).toBe('张三');

    const elecsign = wxpay.v3.fundApp.mchTransfer.elecsign.outBillNo;
    expect((await elecsign.post({ out_bill_no: no })).data.state).toBe('GENERATING');
    await new Promise((r) => setTimeout(r, 20));
    expect((await elecsign._out_bill_no_.get({ out_bill_no: no })).data).toMatchObject({
      state: 'FINISHED',
      hash_type: 'SHA256',
    });

    const other = uniqueNo('TI');
    await transfers.post(body(other));
    const cancelled = await transfers.outBillNo._out_bill_no_.cancel.post({}, { out_bill_no: other });
    expect(cancelled.data).toMatchObject({ out_bill_no: other, state: 'CANCELING' });
  });

  it("the plugin's ciphertext under another serial is refused with 400 PARAM_ERROR", async () => {
    const otherPem = mode === 'cert' ? keys.publicPem : keys.platformPem;
    const name = Rsa.encrypt('张三', Rsa.from(otherPem, 'public'));
    const err = await wxpay.v3.fundApp.mchTransfer.transferBills
      .post(body(uniqueNo('TI'), name), { headers: { 'Wechatpay-Serial': serial } })
      .then(
        () => undefined,
        (e: { response: { status: number; data: unknown } }) => e.response,
      );
    expect(err.status).toBe(400);
    expect(err.data).toMatchObject({ code: 'PARAM_ERROR', message: NOT_CIPHERTEXT_MESSAGE });
    // loadSandboxKeys agrees on which serial is whose: the key set the sandbox decrypts with.
    const loaded = await loadSandboxKeys(keys.init.dir);
    expect(mode === 'cert' ? loaded.platform[0]!.serial : loaded.publicKeyId).toBe(serial);
  });
});
