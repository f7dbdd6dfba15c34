// Complaints and media against the sandbox through the real client (docs/protocol.md §13, §14): a complaint filed
// by the admin API for a paid order, found in the list, its payer_phone decrypted with the merchant key, answered
// with an uploaded image, completed; both notification kinds at the registered URL; the state machine's refusals;
// paging; and the upload checks the real server makes (signature over meta only, SHA-256, type and size).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeComplaint,
  complaintHistory,
  getComplaint,
  listComplaints,
  respondComplaint,
  updateRefundProgress,
} from '../../src/api/complaints.js';
import { getNotifyUrl, putNotifyUrl } from '../../src/api/complaint-notify-url.js';
import { uploadMedia, uploadRequest } from '../../src/api/media.js';
import { decryptForClient } from '../../src/api/sensitive.js';
import { createClient, type WxpayClient } from '../../src/http/client.js';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadVerifierKeys } from '../../src/config/credentials.js';
import { isWxpayError } from '../../src/protocol/errors.js';
import { verifyAndDecrypt } from '../../src/protocol/notification.js';
import { initSandbox, type SandboxInitResult } from '../../src/sandbox/keyset.js';
import { receiver, TINY_PNG, waitFor, type Received } from '../helpers/receiver.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

const PNG = TINY_PNG;

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const rejection = (e: unknown) => (isWxpayError(e) ? [e.wechatpay?.status, e.wechatpay?.code] : e);

let base: SandboxInitResult;
beforeAll(async () => {
  base = await sandboxKeySet('cert');
});

describe.each(['cert', 'pubkey'] as const)('complaints in %s mode', (mode) => {
  let t: TestSandbox;
  let client: WxpayClient;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  let open: (r: Received) => ReturnType<typeof verifyAndDecrypt>;
  beforeAll(async () => {
    const init = await initSandbox({ dir: base.dir, mode });
    t = await startTestSandbox(init);
    rcv = await receiver('/complaints');
    const profile = await loadConfig({ cwd: init.dir, env: {} });
    const keys = await loadVerifierKeys(profile);
    const apiV3Key = await loadApiV3Key(profile, {});
    client = createClient({ baseUrl: t.sb.url, merchant: t.merchant, keys, apiV3Key, maxAttempts: 1 });
    open = (r) =>
      verifyAndDecrypt({ headers: r.headers, rawBody: r.body, keys, apiV3Key, now: Math.floor(Date.now() / 1000) });
  });
  afterAll(async () => {
    await client.close();
    await t.sb.close();
    rcv.server.close();
  });

  async function paidOrder(): Promise<string> {
    const no = uniqueNo();
    expect((await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no))).status).toBe(200);
    expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
    return no;
  }

  it('created, listed, shown with the phone decrypted, answered with an image, completed; notified each time', async () => {
    await expect(getNotifyUrl(client).catch(rejection)).resolves.toEqual([404, 'RESOURCE_NOT_EXISTS']);
    expect(await putNotifyUrl(client, rcv.url, false)).toEqual({ mchid: t.init.mchid, url: rcv.url });
    const no = await paidOrder();
    const created = await t.admin('POST', '/sandbox/complaints', { out_trade_no: no, phone: '13800138000' });
    expect(created.status).toBe(200);
    const id = created.json.complaint_id as string;
    expect(id).toMatch(/^2000\d{23}$/);

    const first = open(await waitFor('COMPLAINT.CREATE', () => rcv.got[0]));
    expect(first.event).toMatchObject({
      event_type: 'COMPLAINT.CREATE',
      summary: '产生新投诉',
      resource: { original_type: 'complaint', associated_data: '' },
    });
    expect(first.resource).toEqual({ complaint_id: id, action_type: 'CREATE_COMPLAINT' });

    const listed = await listComplaints(client, { beginDate: today(), endDate: today() });
    expect(listed.map((c) => c.complaint_id)).toContain(id);
    const c = await getComplaint(client, id);
    expect(c).toMatchObject({ complaint_state: 'PENDING', complainted_mchid: t.init.mchid });
    expect(c.complaint_order_info?.[0]).toMatchObject({ out_trade_no: no, amount: 100 });
    expect(c.payer_phone).not.toContain('138');
    expect(decryptForClient(client, { payer_phone: c.payer_phone })).toEqual({ payer_phone: '13800138000' });

    const userImage = c.complaint_media_list?.[0]?.media_url[0] ?? '';
    expect(userImage).toMatch(/^https:\/\/api\.mch\.weixin\.qq\.com\/v3\/merchant-service\/images\//);

    const { media_id } = await uploadMedia(client, { purpose: 'complaint', filename: 'reply.png', file: PNG });
    expect(media_id).toMatch(/^[0-9A-F]{32}\.png$/);
    await respondComplaint(client, id, { complaintedMchid: t.init.mchid, text: '已退款，请查收', images: [media_id] });
    expect((await getComplaint(client, id)).complaint_state).toBe('PROCESSING');
    const second = open(await waitFor('STATE_CHANGE reply', () => rcv.got[1]));
    expect([second.event.event_type, second.resource]).toEqual([
      'COMPLAINT.STATE_CHANGE',
      { complaint_id: id, action_type: 'MERCHANT_RESPONSE' },
    ]);

    const history = await complaintHistory(client, id);
    expect(history.map((h) => h.operate_type)).toEqual(['USER_CREATE_COMPLAINT', 'MERCHANT_RESPONSE']);
    const replyImage = history[1]!.image_list![0]!;
    const path = new URL(replyImage).pathname;
    const image = await client.request({ method: 'GET', path, verify: 'none-media-download' });
    expect(image.rawBody.equals(PNG)).toBe(true);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['wechatpay-signature']).toBeUndefined();

    await completeComplaint(client, id, t.init.mchid);
    expect((await getComplaint(client, id)).complaint_state).toBe('PROCESSED');
    const third = open(await waitFor('STATE_CHANGE complete', () => rcv.got[2]));
    expect(third.resource).toEqual({ complaint_id: id, action_type: 'MERCHANT_CONFIRM_COMPLETE' });
    await expect(
      respondComplaint(client, id, { complaintedMchid: t.init.mchid, text: 'again' }).catch(rejection),
    ).resolves.toEqual([400, 'INVALID_REQUEST']);
  });

  it('refuses completing before a reply, a refund decision on a non-refund complaint, and REJECT without a reason', async () => {
    const id = (await t.admin('POST', '/sandbox/complaints', { out_trade_no: await paidOrder(), phone: '13900000000' }))
      .json.complaint_id as string;
    await expect(completeComplaint(client, id, t.init.mchid).catch(rejection)).resolves.toEqual([
      400,
      'INVALID_REQUEST',
    ]);
    await expect(updateRefundProgress(client, id, { action: 'APPROVE' }).catch(rejection)).resolves.toEqual([
      400,
      'INVALID_REQUEST',
    ]);
    const refundId = (
      await t.admin('POST', '/sandbox/complaints', {
        out_trade_no: await paidOrder(),
        phone: '13900000000',
        problem_type: 'REFUND',
        apply_refund_amount: 100,
      })
    ).json.complaint_id as string;
    await expect(updateRefundProgress(client, refundId, { action: 'REJECT' }).catch(rejection)).resolves.toEqual([
      400,
      'PARAM_ERROR',
    ]);
    await updateRefundProgress(client, refundId, { action: 'APPROVE', launchRefundDay: 0 });
    const h = await complaintHistory(client, refundId);
    expect(h.at(-1)).toMatchObject({ operate_type: 'MERCHANT_APPROVE_REFUND', operator: '商户' });
    await expect(getComplaint(client, '200020260101000000000000000').catch(rejection)).resolves.toEqual([
      404,
      'RESOURCE_NOT_EXISTS',
    ]);
  });

  it('pages the list transparently and refuses a range over 30 days', async () => {
    for (let i = 0; i < 3; i += 1)
      await t.admin('POST', '/sandbox/complaints', { out_trade_no: await paidOrder(), phone: '13700000000' });
    const all = await listComplaints(client, { beginDate: today(), endDate: today() });
    const before = t.sb.context.stats.get('GET /v3/merchant-service/complaints-v2') ?? 0;
    const paged = await listComplaints(client, { beginDate: today(), endDate: today(), pageSize: 2 });
    expect(paged.map((c) => c.complaint_id)).toEqual(all.map((c) => c.complaint_id));
    expect(t.sb.context.stats.get('GET /v3/merchant-service/complaints-v2')! - before).toBe(Math.ceil(all.length / 2));
    await expect(
      listComplaints(client, { beginDate: '2026-01-01', endDate: '2026-03-01' }).catch(rejection),
    ).resolves.toEqual([400, 'PARAM_ERROR']);
  });
});

describe('media upload checks, as WeChat Pay makes them', () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox(base);
  });
  afterAll(async () => t.sb.close());

  const form = (file: Buffer, filename = 'a.png', meta?: string) => {
    const req = uploadRequest({ purpose: 'complaint', filename, file, boundary: 'b0' });
    const upload = req.upload!;
    return { ...upload, signed: meta ?? upload.signed };
  };

  it('accepts the signature over meta and refuses one over the whole body (401 SIGN_ERROR)', async () => {
    const f = form(PNG);
    const ok = await rawUpload(t, f.bytes, f.contentType, f.signed);
    expect([ok.status, typeof ok.json.media_id]).toEqual([200, 'string']);
    const bad = await rawUpload(t, f.bytes, f.contentType, f.bytes.toString('utf8'));
    expect([bad.status, bad.json.code]).toEqual([401, 'SIGN_ERROR']);
  });

  it('refuses a SHA-256 that does not match, a wrong type, a malformed form and a missing part', async () => {
    const f = form(PNG);
    const lying = Buffer.from(f.bytes.toString('latin1').replace(/4977/, '0000'), 'latin1');
    const meta = f.signed.replace(/4977/, '0000');
    const r1 = await rawUpload(t, lying, f.contentType, meta);
    expect([r1.status, r1.json.code, r1.json.message]).toEqual([400, 'PARAM_ERROR', '文件摘要sha256与文件内容不一致']);
    const jpegNamedPng = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const g = uploadRequest({ purpose: 'complaint', filename: 'a.jpg', file: jpegNamedPng, boundary: 'b1' }).upload!;
    const renamed = Buffer.from(g.bytes.toString('latin1').replaceAll('a.jpg', 'a.png'), 'latin1');
    const r2 = await rawUpload(t, renamed, g.contentType, g.signed.replace('a.jpg', 'a.png'));
    expect([r2.status, r2.json.code]).toEqual([400, 'PARAM_ERROR']);
    const r3 = await rawUpload(t, f.bytes.subarray(0, 60), f.contentType, f.signed);
    expect([r3.status, r3.json.code]).toEqual([400, 'PARAM_ERROR']);
    const r4 = await rawUpload(t, Buffer.from(f.signed), 'application/json', f.signed);
    expect([r4.status, r4.json.code]).toEqual([400, 'PARAM_ERROR']);
  });
});

async function rawUpload(t: TestSandbox, body: Buffer, contentType: string, signed: string) {
  return t.call('POST', '/v3/merchant-service/images/upload', body, {
    signedBody: signed,
    headers: { 'Content-Type': contentType },
  });
}
