// src/api over the client: request paths, query strings and bodies for prepay (direct and partner), query,
// close, refunds and the certificate download, checked on what the fake server received.
import { describe, expect, it } from 'vitest';
import { certificateFileName, downloadCertificates } from '../../src/api/certificates.js';
import { createRefund, queryRefund } from '../../src/api/refunds.js';
import { closeOrder, prepay, prepayBody, queryOrder } from '../../src/api/transactions.js';
import { apiV3KeyFrom } from '../../src/protocol/aead.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { keySet } from '../helpers/fixtures.js';
import { API_V3, setup } from './client-fake.js';

const f = setup();
const base = {
  appid: 'wxd678efh567hg6787',
  description: 'Tea',
  outTradeNo: 'T0000001',
  notifyUrl: 'https://example.com/n',
  total: 100,
};

describe('transactions', () => {
  it('jsapi prepay: direct body with payer.openid; retried as idempotent', async () => {
    f.pool
      .intercept({ path: '/v3/pay/transactions/jsapi', method: 'POST' })
      .reply(f.reply(500, { code: 'SYSTEM_ERROR', message: 'x' }, null));
    f.pool
      .intercept({ path: '/v3/pay/transactions/jsapi', method: 'POST' })
      .reply(f.reply(200, { prepay_id: 'wx201410272009395522657a690389285100' }));
    const res = await prepay(f.mkClient(), 'jsapi', { ...base, openid: 'oUpF8' });
    expect(res.prepay_id).toBe('wx201410272009395522657a690389285100');
    expect(JSON.parse(f.seen.at(-1)!.body)).toEqual({
      appid: base.appid,
      mchid: '1900007291',
      description: 'Tea',
      out_trade_no: 'T0000001',
      notify_url: base.notifyUrl,
      amount: { total: 100, currency: 'CNY' },
      payer: { openid: 'oUpF8' },
    });
    expect(f.seen.at(-1)!.body).toBe(f.seen.at(-2)!.body);
  });

  it('partner and h5 bodies', () => {
    const client = f.mkClient();
    expect(
      prepayBody(client, 'jsapi', {
        ...base,
        openid: 'o1',
        partner: { spAppid: 'wxsp', subMchid: '1900000109', subAppid: 'wxsub' },
      }),
    ).toMatchObject({
      sp_appid: 'wxsp',
      sp_mchid: '1900007291',
      sub_appid: 'wxsub',
      sub_mchid: '1900000109',
      payer: { sub_openid: 'o1' },
    });
    const h5 = prepayBody(client, 'h5', { ...base, payerClientIp: '203.0.113.7', h5Type: 'iOS' });
    expect(h5).toMatchObject({ scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'iOS' } } });
    expect(h5).not.toHaveProperty('payer');
  });

  it('partner native prepay goes to the partner path', async () => {
    f.pool
      .intercept({ path: '/v3/pay/partner/transactions/native', method: 'POST' })
      .reply(f.reply(200, { code_url: 'weixin://wxpay/bizpayurl?pr=x' }));
    const res = await prepay(f.mkClient(), 'native', { ...base, partner: { spAppid: 'wxsp', subMchid: '1900000109' } });
    expect(res.code_url).toBe('weixin://wxpay/bizpayurl?pr=x');
  });

  it('query by out_trade_no (percent-encoded) and by transaction_id, with mchid; partner with sp_mchid/sub_mchid', async () => {
    f.pool
      .intercept({ path: '/v3/pay/transactions/out-trade-no/A%7CB*1?mchid=1900007291', method: 'GET' })
      .reply(f.reply(200, { out_trade_no: 'A|B*1', trade_state: 'NOTPAY' }));
    expect(await queryOrder(f.mkClient(), { outTradeNo: 'A|B*1' })).toMatchObject({ trade_state: 'NOTPAY' });
    f.pool
      .intercept({ path: '/v3/pay/transactions/id/4200?mchid=1900007291', method: 'GET' })
      .reply(f.reply(200, { trade_state: 'SUCCESS' }));
    expect(await queryOrder(f.mkClient(), { transactionId: '4200' })).toMatchObject({ trade_state: 'SUCCESS' });
    f.pool
      .intercept({ path: '/v3/pay/partner/transactions/id/4200?sp_mchid=1900007291&sub_mchid=19', method: 'GET' })
      .reply(f.reply(200, { trade_state: 'SUCCESS' }));
    expect(await queryOrder(f.mkClient(), { transactionId: '4200' }, { subMchid: '19' })).toMatchObject({
      trade_state: 'SUCCESS',
    });
  });

  it('close posts {"mchid"} and accepts the signed 204', async () => {
    f.pool
      .intercept({ path: '/v3/pay/transactions/out-trade-no/T1/close', method: 'POST' })
      .reply(f.reply(204, undefined));
    await closeOrder(f.mkClient(), 'T1');
    expect(f.seen.at(-1)!.body).toBe('{"mchid":"1900007291"}');
  });
});

describe('refunds and certificates', () => {
  it('create refund: body with amount{refund,total,currency}; query refund by out_refund_no', async () => {
    f.pool
      .intercept({ path: '/v3/refund/domestic/refunds', method: 'POST' })
      .reply(f.reply(200, { out_refund_no: 'R1', status: 'PROCESSING' }));
    const r = await createRefund(f.mkClient(), {
      transactionId: '4200',
      outRefundNo: 'R1',
      refund: 1,
      total: 2,
      reason: 'dup',
    });
    expect(r.status).toBe('PROCESSING');
    expect(JSON.parse(f.seen.at(-1)!.body)).toEqual({
      transaction_id: '4200',
      out_refund_no: 'R1',
      reason: 'dup',
      amount: { refund: 1, total: 2, currency: 'CNY' },
    });
    f.pool
      .intercept({ path: '/v3/refund/domestic/refunds/R%201', method: 'GET' })
      .reply(f.reply(200, { out_refund_no: 'R 1', status: 'SUCCESS' }));
    expect((await queryRefund(f.mkClient(), 'R 1')).status).toBe('SUCCESS');
  });

  it('download certificates: decrypted, verified with the decrypted certificate, or only with a known one', async () => {
    const next = keySet('platform-next');
    f.pool
      .intercept({ path: '/v3/certificates', method: 'GET' })
      .reply(f.reply(200, f.certList([f.platform, next]), next))
      .times(2);
    const client = f.mkClient({ apiV3Key: apiV3KeyFrom(API_V3), keys: createKeyStore([]) });
    const certs = await downloadCertificates(client);
    expect(certs.map((c) => c.serial)).toEqual([f.platform.serial, next.serial]);
    expect(certs[1]!.pem).toBe(next.certPem);
    await expect(
      downloadCertificates(client, createKeyStore([[f.platform.serial, f.platform.publicKey]])),
    ).rejects.toMatchObject({ code: 'VERIFY_UNKNOWN_SERIAL' });
    expect(certificateFileName(next.serial)).toBe(`wechatpay_${next.serial}.pem`);
  });

  it('a wrong APIv3 key fails decryption with exit 7', async () => {
    f.pool
      .intercept({ path: '/v3/certificates', method: 'GET' })
      .reply(f.reply(200, f.certList([f.platform]), f.platform));
    const client = f.mkClient({ apiV3Key: apiV3KeyFrom('0'.repeat(32)) });
    await expect(downloadCertificates(client)).rejects.toMatchObject({ code: 'DECRYPT_FAILED', exitCode: 7 });
  });
});
