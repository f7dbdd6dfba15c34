// diagnostics/sign-error-input.ts: the three forms `sign --explain` reads (issue 14), and what it refuses.
import { describe, expect, it } from 'vitest';
import { readSignErrorInput } from '../../src/diagnostics/sign-error-input.js';

const BODY = {
  code: 'SIGN_ERROR',
  message: '错误的签名,验签失败',
  detail: {
    sign_information: {
      method: 'GET',
      url: '/v3/x',
      sign_message_length: 40,
      truncated_sign_message: 'GET\n/v3/x\n1700000000\nN1\n\n',
    },
  },
};

describe('readSignErrorInput', () => {
  it('the raw body', () => {
    expect(readSignErrorInput(JSON.stringify(BODY))).toEqual({ form: 'wechatpay-body', body: BODY });
  });

  it("wxpay's --json error document, also after a warning line on stderr", () => {
    const doc = JSON.stringify({
      error: {
        code: 'WECHATPAY_ERROR',
        message: 'rejected',
        hint: 'h',
        exitCode: 5,
        wechatpay: { status: 401, ...BODY },
      },
    });
    expect(readSignErrorInput(doc)).toEqual({ form: 'wxpay-json', body: BODY });
    expect(readSignErrorInput(`warning: signed requests go to example.com\n${doc}\n`)).toEqual({
      form: 'wxpay-json',
      body: BODY,
    });
  });

  it("a --verbose log: the last answer's body and the Authorization that was sent", () => {
    const auth =
      'WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N1",signature="c2ln",timestamp="1700000000",serial_no="ABC123"';
    const log = [
      '> GET http://127.0.0.1:1/v3/x',
      '  Accept: application/json',
      `  Authorization: ${auth}`,
      '  (empty)',
      '< 401 GET http://127.0.0.1:1/v3/x',
      '  request-id: R1',
      `  ${JSON.stringify(BODY)}`,
      '✖ WECHATPAY_ERROR: rejected',
    ].join('\n');
    expect(readSignErrorInput(log)).toEqual({
      form: 'verbose-capture',
      body: BODY,
      sent: { mchid: '1900000001', nonce_str: 'N1', signature: 'c2ln', timestamp: '1700000000', serial_no: 'ABC123' },
    });
  });

  it('text without a WeChat Pay error body', () => {
    expect(readSignErrorInput('hello')).toBeUndefined();
    expect(readSignErrorInput('[1,2]')).toBeUndefined();
    expect(readSignErrorInput('{"ok":true}')).toBeUndefined();
  });
});
