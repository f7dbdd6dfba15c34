// Interop: an independent client, wechatpay-axios-plugin, drives the sandbox with the sandbox's keys and its own
// response verification, in cert, pubkey and mixed mode: prepay x4, query, close, refund, refund query, certificates.
import { beforeAll, describe, expect, it } from 'vitest';
import { aeadOpen } from '../../src/protocol/aead.js';
import { loadSandboxKeys, type SandboxMode } from '../../src/sandbox/keyset.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { useInteropSandbox } from '../helpers/axios-interop.js';
import { uniqueNo } from '../helpers/sandbox.js';

/** The /sandbox control API takes JSON only. */
const json = { 'Content-Type': 'application/json' };

const { keys, start, client } = useInteropSandbox();

const certsFor = (mode: SandboxMode): Record<string, string> => ({
  ...(mode !== 'pubkey' ? { [keys.init.platformSerial]: keys.platformPem } : {}),
  ...(mode !== 'cert' ? { [keys.init.publicKeyId]: keys.publicPem } : {}),
});

describe.each(['cert', 'pubkey', 'mixed'] as const)('wechatpay-axios-plugin against the sandbox in %s mode', (mode) => {
  let wxpay: any;
  let sb: SandboxHandle;
  const serials: string[] = [];

  beforeAll(async () => {
    sb = await start(mode);
    wxpay = client(sb, certsFor(mode));
  });
  const seen = (res: { headers: Record<string, string> }): any => {
    serials.push(res.headers['wechatpay-serial']!);
    return res;
  };

  it('prepays all four kinds, queries, closes, refunds and queries the refund', async () => {
    const common = (no: string) => ({
      appid: keys.init.appid,
      mchid: keys.init.mchid,
      description: 'sandbox interop',
      out_trade_no: no,
      notify_url: 'https://example.com/notify',
      amount: { total: 100, currency: 'CNY' },
    });
    const nos = { jsapi: uniqueNo('J'), app: uniqueNo('A'), h5: uniqueNo('H'), native: uniqueNo('N') };
    const jsapi = seen(
      await wxpay.v3.pay.transactions.jsapi.post({ ...common(nos.jsapi), payer: { openid: 'o-interop' } }),
    );
    expect(jsapi.data.prepay_id).toMatch(/^wx/);
    expect(seen(await wxpay.v3.pay.transactions.app.post(common(nos.app))).data.prepay_id).toMatch(/^wx/);
    const h5 = seen(
      await wxpay.v3.pay.transactions.h5.post({
        ...common(nos.h5),
        scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } },
      }),
    );
    expect(h5.data.h5_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/pay\//);
    expect(seen(await wxpay.v3.pay.transactions.native.post(common(nos.native))).data.code_url).toMatch(
      /^weixin:\/\/wxpay\/bizpayurl\?pr=/,
    );

    const q = seen(
      await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
        params: { mchid: keys.init.mchid },
        out_trade_no: nos.native,
      }),
    );
    expect(q.data).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: nos.native });
    const closed = seen(
      await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.close.post(
        { mchid: keys.init.mchid },
        { out_trade_no: nos.native },
      ),
    );
    expect(closed.status).toBe(204);

    const paid: any = await fetch(`${sb.url}/sandbox/orders/${nos.jsapi}/pay`, { method: 'POST', headers: json }).then(
      (r) => r.json(),
    );
    const byId = seen(
      await wxpay.v3.pay.transactions.id._transaction_id_.get({
        params: { mchid: keys.init.mchid },
        transaction_id: paid.transaction_id,
      }),
    );
    expect(byId.data).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transaction_id });

    const rno = uniqueNo('R');
    const refund = seen(
      await wxpay.v3.refund.domestic.refunds.post({
        out_trade_no: nos.jsapi,
        out_refund_no: rno,
        amount: { refund: 100, total: 100, currency: 'CNY' },
      }),
    );
    expect(refund.data).toMatchObject({ status: 'PROCESSING', out_refund_no: rno });
    await fetch(`${sb.url}/sandbox/refunds/${rno}/complete`, { method: 'POST', headers: json });
    const rq = seen(await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: rno }));
    expect(rq.data).toMatchObject({ status: 'SUCCESS', out_refund_no: rno });

    const expected =
      mode === 'cert'
        ? [keys.init.platformSerial]
        : mode === 'pubkey'
          ? [keys.init.publicKeyId]
          : [keys.init.platformSerial, keys.init.publicKeyId];
    expect([...new Set(serials)].sort()).toEqual(expected.sort());
  });

  it('certificates: encrypted with the APIv3 key, or RESOURCE_NOT_EXISTS in pubkey mode', async () => {
    if (mode === 'pubkey') {
      await expect(wxpay.v3.certificates.get()).rejects.toMatchObject({
        response: { status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } },
      });
      return;
    }
    const res = seen(await wxpay.v3.certificates.get());
    const [entry] = res.data.data;
    expect(entry.serial_no).toBe(keys.init.platformSerial);
    expect(entry.encrypt_certificate).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate' });
    expect(entry.encrypt_certificate.nonce).toHaveLength(12);
    const loaded = await loadSandboxKeys(keys.init.dir);
    expect(aeadOpen(loaded.apiV3Key, entry.encrypt_certificate).toString()).toBe(keys.platformPem);
  });

  it('the plugin verifier is really active: a tampered answer is rejected', async () => {
    await fetch(`${sb.url}/sandbox/faults`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ faults: [{ kind: 'tamper', count: 1 }] }),
    });
    const body = {
      appid: keys.init.appid,
      mchid: keys.init.mchid,
      description: 'x',
      out_trade_no: uniqueNo('V'),
      notify_url: 'https://example.com/n',
      amount: { total: 1 },
    };
    await expect(wxpay.v3.pay.transactions.native.post(body)).rejects.toMatchObject({
      code: 'EV3_RES_HEADER_SIGNATURE_DIGEST',
    });
  });

  // Registered only in mixed mode (not skipped elsewhere): the serial-driven choice exists only there.
  if (mode === 'mixed')
    it('answers with the public key when the request carries Wechatpay-Serial: PUB_KEY_ID_…', async () => {
      for (let i = 0; i < 3; i += 1) {
        const res = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_
          .get({
            params: { mchid: keys.init.mchid },
            out_trade_no: 'NOSUCH1',
            validateStatus: () => true,
            headers: { 'Wechatpay-Serial': keys.init.publicKeyId },
          })
          .catch((e: any) => e.response);
        expect(res.status).toBe(404);
        const ok = await wxpay.v3.certificates.get({ headers: { 'Wechatpay-Serial': keys.init.publicKeyId } });
        expect(ok.headers['wechatpay-serial']).toBe(keys.init.publicKeyId);
      }
    });
});
