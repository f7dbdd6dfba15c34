// Interop: wechatpay-axios-plugin's generic client drives the sandbox's merchant-transfer endpoints
// (docs/protocol.md §12) with its own signing, its own response verification and its own RSA-OAEP encryption of
// user_name, in both key modes: create → the payee confirms → SUCCESS, query by either number, cancel, receipt; and
// the sandbox decrypts the plugin's ciphertext only under the serial it was made for.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import axiosPlugin from 'wechatpay-axios-plugin';
import { loadSandboxKeys, type SandboxInitResult } from '../../src/sandbox/keyset.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { NOT_CIPHERTEXT_MESSAGE } from '../../src/sandbox/sensitive.js';
import { sandboxKeySet, uniqueNo } from '../helpers/sandbox.js';

const { Wechatpay, Rsa } = axiosPlugin as unknown as {
  Wechatpay: new (config: object) => any;
  Rsa: { encrypt(p: string, k: unknown): string; from(thing: string, type?: 'public' | 'private'): unknown };
};

let init: SandboxInitResult;
let platformPem: string;
let publicPem: string;
let merchantKey: string;
const handles: SandboxHandle[] = [];

beforeAll(async () => {
  init = await sandboxKeySet('mixed');
  platformPem = await readFile(init.platformCertPath, 'utf8');
  publicPem = await readFile(init.publicKeyPath, 'utf8');
  merchantKey = await readFile(init.privateKeyPath, 'utf8');
});
afterAll(async () => {
  for (const h of handles) await h.close();
});

const body = (no: string, userName?: string) => ({
  appid: init.appid,
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
    sb = await startSandbox({ dir: init.dir, port: 0, mode, autoRefundMs: -1 });
    handles.push(sb);
    serial = mode === 'cert' ? init.platformSerial : init.publicKeyId;
    pem = mode === 'cert' ? platformPem : publicPem;
    wxpay = new Wechatpay({
      mchid: init.mchid,
      serial: init.serialNo,
      privateKey: merchantKey,
      certs: { [serial]: pem },
      baseURL: `${sb.url}/`,
    });
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
    const otherPem = mode === 'cert' ? publicPem : platformPem;
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
    const keys = await loadSandboxKeys(init.dir);
    expect(mode === 'cert' ? keys.platform[0]!.serial : keys.publicKeyId).toBe(serial);
  });
});
