// The /sandbox control API and the less common paths: partner endpoints, auto-pay and auto-refund, state that
// survives a restart, platform-certificate rotation and sign-with, and signature faults on notifications.
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aeadOpen } from '../../src/protocol/aead.js';
import { createKeyStore, parseCertificate } from '../../src/protocol/keys.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { verifyAndDecrypt } from '../../src/protocol/notification.js';
import type { SandboxInitResult } from '../../src/sandbox/keyset.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo } from '../helpers/sandbox.js';

let init: SandboxInitResult;
beforeAll(async () => {
  init = await sandboxKeySet('cert');
});

const waitFor = async <T>(fn: () => T | undefined | false): Promise<T> => {
  for (let i = 0; i < 1000; i += 1) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
};

describe('sandbox control API', () => {
  it('partner prepay, query and close; sub_mchid scopes the order', async () => {
    const t = await startTestSandbox(init);
    try {
      const no = uniqueNo('P');
      const body = {
        sp_appid: init.appid,
        sp_mchid: init.mchid,
        sub_mchid: '1900000201',
        description: 'partner',
        out_trade_no: no,
        notify_url: 'https://example.com/n',
        amount: { total: 9 },
        payer: { sp_openid: 'o-sp' },
      };
      expect((await t.call('POST', '/v3/pay/partner/transactions/jsapi', body)).json.prepay_id).toMatch(/^wx/);
      const noPayer = await t.call('POST', '/v3/pay/partner/transactions/jsapi', {
        ...body,
        out_trade_no: uniqueNo('P'),
        payer: {},
      });
      expect(noPayer.json.code).toBe('PARAM_ERROR');
      const q = await t.call(
        'GET',
        `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${init.mchid}&sub_mchid=1900000201`,
      );
      expect(q.json).toMatchObject({ sp_mchid: init.mchid, sub_mchid: '1900000201', trade_state: 'NOTPAY' });
      expect(
        (
          await t.call(
            'GET',
            `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${init.mchid}&sub_mchid=1900000202`,
          )
        ).status,
      ).toBe(404);
      expect((await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${init.mchid}`)).status).toBe(404);
      expect(
        (
          await t.call('POST', `/v3/pay/partner/transactions/out-trade-no/${no}/close`, {
            sp_mchid: init.mchid,
            sub_mchid: '1900000201',
          })
        ).status,
      ).toBe(204);
    } finally {
      await t.sb.close();
    }
  });

  it('auto-pay pays new orders; auto-refund finishes refunds; --state survives a restart', async () => {
    const statePath = path.join(await mkdtemp(path.join(tmpdir(), 'wxpay-sbx-state-')), 'state.json');
    const t = await startTestSandbox(init, { autoPayMs: 0, autoRefundMs: 0, statePath });
    const no = uniqueNo();
    const rno = uniqueNo('R');
    try {
      await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(init, no));
      await waitFor(() => t.sb.state.orderByOutTradeNo(no)?.tradeState === 'SUCCESS');
      await t.call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: no,
        out_refund_no: rno,
        amount: { refund: 100, total: 100, currency: 'CNY' },
      });
      await waitFor(() => t.sb.state.refundByOutRefundNo(rno)?.status === 'SUCCESS');
    } finally {
      await t.sb.close();
    }
    const t2 = await startTestSandbox(init, { statePath });
    try {
      expect(
        (await t2.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${init.mchid}`)).json.trade_state,
      ).toBe('REFUND');
      expect((await t2.call('GET', `/v3/refund/domestic/refunds/${rno}`)).json.status).toBe('SUCCESS');
      const again = await t2.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(init, no));
      expect(again.json.code).toBe('ORDERPAID');
    } finally {
      await t2.sb.close();
    }
  });

  it('rotation adds a certificate, the sandbox signs with the newest, sign-with picks one', async () => {
    const t = await startTestSandbox(init);
    try {
      const rotated = (await t.admin('POST', '/sandbox/certificates/rotate')).json;
      expect(rotated.serials).toEqual([init.platformSerial, rotated.serial]);
      const certs = await t.call('GET', '/v3/certificates');
      expect(certs.json.data.map((d: { serial_no: string }) => d.serial_no)).toEqual(rotated.serials);
      expect(certs.headers['wechatpay-serial']).toBe(rotated.serial);
      const key = t.sb.context.keys.apiV3Key;
      const newest = aeadOpen(key, certs.json.data[1].encrypt_certificate).toString();
      const store = createKeyStore([[rotated.serial, parseCertificate(newest).publicKey]]);
      expect(
        verifySignature({ headers: certs.headers, body: certs.body, keys: store, now: Date.now() / 1000 }).serial,
      ).toBe(rotated.serial);
      await t.admin('POST', '/sandbox/sign-with', { serial: init.platformSerial });
      expect((await t.call('GET', '/v3/certificates')).headers['wechatpay-serial']).toBe(init.platformSerial);
      expect((await t.admin('POST', '/sandbox/sign-with', { serial: 'FFFF' })).status).toBe(400);
    } finally {
      await t.sb.close();
    }
  });

  it('a probe on a notification is rejected by the receiver, and the retry carries a valid signature', async () => {
    const got: Array<{ headers: Record<string, string>; body: Buffer }> = [];
    const t = await startTestSandbox(init, { timeScale: 1000 });
    const keys = createKeyStore(
      t.sb.context.keys.platform.map((p) => [p.serial, parseCertificate(p.certPem).publicKey] as const),
    );
    const rcv = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const msg = { headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) };
        got.push(msg);
        try {
          verifyAndDecrypt({
            headers: msg.headers,
            rawBody: msg.body,
            keys,
            apiV3Key: t.sb.context.keys.apiV3Key,
            now: Date.now() / 1000,
          });
          res.writeHead(204).end();
        } catch {
          res.writeHead(401).end('{"code":"FAIL","message":"失败"}');
        }
      });
    });
    await new Promise<void>((r) => rcv.listen(0, '127.0.0.1', () => r()));
    try {
      await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'probe', count: 1, target: 'notifications' }] });
      const no = uniqueNo();
      await t.call(
        'POST',
        '/v3/pay/transactions/jsapi',
        jsapiBody(init, no, `http://127.0.0.1:${(rcv.address() as AddressInfo).port}/n`),
      );
      await t.admin('POST', `/sandbox/orders/${no}/pay`);
      const log = await waitFor(() => t.sb.notifications().find((d) => d.delivered));
      expect(log.attempts.map((a) => [a.status, a.fault])).toEqual([
        [401, 'probe'],
        [204, undefined],
      ]);
      expect(got[0]!.headers['wechatpay-signature']).toMatch(/^WECHATPAY\/SIGNTEST\//);
      expect((await t.admin('GET', '/sandbox/notifications')).json.data[0].attempts[0].answer).toContain('FAIL');
    } finally {
      await t.sb.close();
      rcv.close();
    }
  });
});
