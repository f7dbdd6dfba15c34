// Capture parsing (JSON, journal with a torn tail, raw HTTP with CRLF/LF, Content-Length, chunked), the
// --explain body warnings and decrypt diagnosis, and the trigger fixtures' --set.
import { describe, expect, it } from 'vitest';
import { parseCaptures, parseHttpRequest } from '../../src/webhook/capture.js';
import { bodyWarnings, diagnoseDecrypt } from '../../src/diagnostics/notify-explain.js';
import { applySet, originalTypeOf, plausibleResource } from '../../src/diagnostics/notify-fixtures.js';
import { chinaRfc3339 } from '../../src/protocol/china-time.js';
import { serialKind } from '../../src/protocol/serials.js';

const body = '{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}';

describe('captures', () => {
  it('reads one capture with headers lower-cased', () => {
    const [c] = parseCaptures(JSON.stringify({ headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_1' }, body }));
    expect(c).toEqual({ headers: { 'wechatpay-serial': 'PUB_KEY_ID_1' }, body });
  });
  it('reads a journal and skips only a torn last line', () => {
    const line = JSON.stringify({ headers: {}, body, id: 'EV-1', outcome: 'accepted' });
    expect(parseCaptures(`${line}\n${line}\n{"headers":{},"bo`)).toHaveLength(2);
    expect(() => parseCaptures(`${line}\n{"torn\n${line}`)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
  it('refuses a capture whose body is a parsed object', () => {
    expect(() => parseCaptures(JSON.stringify({ headers: {}, body: { id: 1 } }))).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        hint: expect.stringMatching(/raw body, exactly as received|raw body as a string/),
      }),
    );
  });
  it("parses raw HTTP with CRLF, cutting a log's extra newline by Content-Length", () => {
    const c = parseHttpRequest(
      `POST /notify HTTP/1.1\r\nHost: x\r\nWechatpay-Serial: AB\r\nContent-Length: ${body.length}\r\n\r\n${body}\n`,
    );
    expect(c).toEqual({
      method: 'POST',
      path: '/notify',
      headers: { host: 'x', 'wechatpay-serial': 'AB', 'content-length': String(body.length) },
      body,
    });
  });
  it('parses LF-only text and a chunked body', () => {
    const c = parseHttpRequest(`POST /n HTTP/1.1\nTransfer-Encoding: chunked\n\n5\r\n{"id"\r\n3\r\n:1}\r\n0\r\n\r\n`);
    expect(c.body).toBe('{"id":1}');
    expect(() => parseHttpRequest('hello')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('explain helpers', () => {
  it('flags BOM, CRLF, pretty-printing, spaces and \\u escapes; compact JSON is clean', () => {
    expect(bodyWarnings(Buffer.from(body))).toEqual([]);
    expect(bodyWarnings(Buffer.from(`\ufeff${body}`))[0]).toMatch(/BOM/);
    expect(bodyWarnings(Buffer.from('{"a":1,\r\n"b":2}')).join()).toMatch(/CRLF/);
    expect(bodyWarnings(Buffer.from(JSON.stringify(JSON.parse(body), null, 2))).join()).toMatch(/pretty-printed/);
    expect(bodyWarnings(Buffer.from('{"a": 1, "b": 2}')).join()).toMatch(/re-serialised/);
    expect(bodyWarnings(Buffer.from('{"s":"\\u652f\\u4ed8"}')).join()).toMatch(/escapes/);
  });
  it('names serial kinds', () => {
    expect(serialKind('PUB_KEY_ID_0000000000000024101100397200000006')).toBe('public-key');
    expect(serialKind('5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC')).toBe('platform-certificate');
  });
  it('diagnoses a decrypt failure: nonce length, AAD vs original_type, broken base64, else the key', () => {
    const ok = {
      nonce: 'abcdefghijkl',
      associated_data: 'transaction',
      original_type: 'transaction',
      ciphertext: 'AAAA',
    };
    expect(diagnoseDecrypt(ok)[0]).toMatch(/wrong APIv3 key/);
    expect(diagnoseDecrypt({ ...ok, nonce: 'abc' })[0]).toMatch(/nonce is 3 bytes/);
    expect(diagnoseDecrypt({ ...ok, associated_data: 'refund' })[0]).toMatch(/does not match original_type/);
    expect(diagnoseDecrypt({ ...ok, ciphertext: 'AAA' })[0]).toMatch(/truncated/);
  });
});

describe('trigger fixtures', () => {
  const f = {
    mchid: '1900000001',
    appid: 'wx1',
    outTradeNo: 'T1',
    amount: 5,
    transactionId: '42',
    refundId: '50',
    outRefundNo: 'R1',
    transferBillNo: '1330000071100999991182020050700019480001',
    complaintId: '200019700101000000000000001',
    orderId: '3008',
    outOrderNo: 'P1',
    openid: 'o1',
    time: chinaRfc3339(0),
  };
  it('writes Beijing time like WeChat Pay', () => expect(chinaRfc3339(0)).toBe('1970-01-01T08:00:00+08:00'));
  it('builds a transaction and a refund with the right state field', () => {
    expect(plausibleResource('TRANSACTION.SUCCESS', f)).toMatchObject({
      trade_state: 'SUCCESS',
      amount: { total: 5, payer_total: 5, currency: 'CNY' },
    });
    expect(plausibleResource('REFUND.ABNORMAL', f)).toMatchObject({
      refund_status: 'ABNORMAL',
      out_refund_no: 'R1',
      amount: { refund: 5 },
    });
  });
  it('builds a MCHTRANSFER.BILL.FINISHED transfer with out_bill_no and state, original_type mch_payment', () => {
    expect(plausibleResource('MCHTRANSFER.BILL.FINISHED', f)).toEqual({
      mchid: '1900000001',
      out_bill_no: 'T1',
      transfer_bill_no: '1330000071100999991182020050700019480001',
      state: 'SUCCESS',
      transfer_amount: 5,
      openid: 'o1',
      create_time: '1970-01-01T08:00:00+08:00',
      update_time: '1970-01-01T08:00:00+08:00',
    });
    expect(originalTypeOf('MCHTRANSFER.BILL.FINISHED')).toBe('mch_payment');
    expect(originalTypeOf('REFUND.CLOSED')).toBe('refund');
    expect(originalTypeOf('TRANSACTION.SUCCESS')).toBe('transaction');
  });
  it('builds a complaint event the way WeChat Pay sends it: the id and the action, sealed with an empty AAD', () => {
    expect(plausibleResource('COMPLAINT.CREATE', f)).toEqual({
      complaint_id: '200019700101000000000000001',
      action_type: 'CREATE_COMPLAINT',
    });
    expect(plausibleResource('COMPLAINT.STATE_CHANGE', f)).toEqual({
      complaint_id: '200019700101000000000000001',
      action_type: 'MERCHANT_RESPONSE',
    });
    expect(originalTypeOf('COMPLAINT.STATE_CHANGE')).toBe('complaint');
  });
  it('builds the profit-sharing resource a merchant receiver gets, original_type profitsharing', () => {
    expect(plausibleResource('PROFITSHARING.SUCCESS', f)).toEqual({
      mchid: '1900000001',
      transaction_id: '42',
      order_id: '3008',
      out_order_no: 'P1',
      receiver: { type: 'MERCHANT_ID', account: '1900000109', amount: 5, description: '分给商户1900000109' },
      success_time: '1970-01-01T08:00:00+08:00',
    });
    expect(plausibleResource('PROFITSHARING.RETURN', f)).toMatchObject({ receiver: { description: '用户退款' } });
    expect(
      ['TRANSACTION.SUCCESS', 'REFUND.ABNORMAL', 'PROFITSHARING.RETURN'].map((e) => originalTypeOf(e as never)),
    ).toEqual(['transaction', 'refund', 'profitsharing']);
  });
  it('--set writes nested paths, JSON values when they parse, strings otherwise', () => {
    const o = plausibleResource('TRANSACTION.SUCCESS', f);
    applySet(o, 'amount.total=100');
    applySet(o, 'attach=order 42');
    applySet(o, 'scene_info.device_id="013467007045764"');
    expect(o).toMatchObject({
      amount: { total: 100 },
      attach: 'order 42',
      scene_info: { device_id: '013467007045764' },
    });
    expect(() => applySet(o, 'nothing')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
