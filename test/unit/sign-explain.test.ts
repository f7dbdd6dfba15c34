// `sign --explain` logic (issue 2 §5): compares WeChat Pay's detail.sign_information with the local message.
// The SIGN_ERROR bodies are built the way the real reply in docs/protocol.md §1 looks: the first four lines, the first
// bytes of the body, then a "\n" the server adds after the cut.
import { describe, expect, it } from 'vitest';
import { requestMessage } from '../../src/protocol/canonical.js';
import { explainSignError, signInformationOf } from '../../src/diagnostics/sign-explain.js';
import { REAL_SIGN_ERROR, signErrorFor } from '../helpers/fixtures.js';

const TS = '1623918286';
const NONCE = 'togiz2ig.ccl';
const BODY =
  '{"mchid":"1900007291","out_trade_no":"1217752501201407033233368018","appid":"wxd678efh567hg6787","description":"Image形象店-深圳腾大-QQ公仔","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":1,"currency":"CNY"},"scene_info":{"payer_client_ip":"14.23.150.211","h5_info":{"type":"Wap"}}}';
const local = (url: string, body: string, ts = TS) => ({
  method: 'POST',
  url,
  message: requestMessage('POST', url, ts, NONCE, body).toString(),
});
const explainFor = (server: string, l: ReturnType<typeof local>) =>
  explainSignError(l, signInformationOf(JSON.parse(server))!);

describe('signInformationOf', () => {
  it('reads detail.sign_information from the real reply', () => {
    expect(signInformationOf(JSON.parse(REAL_SIGN_ERROR))).toEqual({
      method: 'POST',
      sign_message_length: 304,
      truncated_sign_message: 'POST\n/v3/pay/transactions/h5\n1623918286\ntogiz2ig.ccl\n{"mchid"\n',
      url: '/v3/pay/transactions/h5',
    });
    expect(signInformationOf({ code: 'SIGN_ERROR' })).toBeUndefined();
    expect(signInformationOf(null)).toBeUndefined();
  });
});

describe('explainSignError', () => {
  // Regression: the "\n" WeChat Pay appends after the cut was compared as message bytes, so a message that
  // matched the server's exactly was reported as "the body differs" at the cut.
  it('sign-explain-truncation-newline: the real reply against a matching 304-byte message says "wrong key"', () => {
    const head = 'POST\n/v3/pay/transactions/h5\n1623918286\ntogiz2ig.ccl\n'.length;
    const body = `{"mchid"${'x'.repeat(304 - head - 1 - 8)}`;
    const l = local('/v3/pay/transactions/h5', body);
    expect(Buffer.byteLength(l.message)).toBe(304);
    const e = explainFor(REAL_SIGN_ERROR, l);
    expect(e).toMatchObject({ matches: true, firstDifference: -1, lengthServer: 304, lengthLocal: 304 });
    expect(e.findings).toEqual([expect.stringContaining('wrong key')]);
  });

  it('an exact match (generated) -> the key is wrong, nothing else', () => {
    const l = local('/v3/pay/transactions/h5', BODY);
    const e = explainFor(signErrorFor('POST', '/v3/pay/transactions/h5', Buffer.from(l.message)), l);
    expect(e.matches).toBe(true);
    expect(e.findings).toHaveLength(1);
    expect(e.findings[0]).toMatch(/wrong key.*serial_no/s);
  });

  it('a missing query: names the query, and no spurious length finding', () => {
    const sentUrl = '/v3/pay/transactions/out-trade-no/T1?mchid=1900007291';
    const sent = requestMessage('GET', sentUrl, TS, NONCE, '');
    const l = {
      method: 'GET',
      url: '/v3/pay/transactions/out-trade-no/T1',
      message: requestMessage('GET', '/v3/pay/transactions/out-trade-no/T1', TS, NONCE, '').toString(),
    };
    const e = explainFor(signErrorFor('GET', sentUrl, sent), l);
    expect(e).toMatchObject({ matches: false, line: 'url' });
    expect(e.findings).toEqual([expect.stringContaining('query string is missing')]);
  });

  it('a missing trailing newline: the sent body ended in "\\n" that was not signed', () => {
    const sent = requestMessage('POST', '/v3/pay/transactions/h5', TS, NONCE, `${BODY}\n`);
    const e = explainFor(signErrorFor('POST', '/v3/pay/transactions/h5', sent), local('/v3/pay/transactions/h5', BODY));
    expect(e.matches).toBe(false);
    expect(e.findings).toEqual([expect.stringMatching(/one byte longer.*newline/)]);
  });

  it('the reverse: a body file with a trailing newline that was never sent', () => {
    const sent = requestMessage('POST', '/v3/pay/transactions/h5', TS, NONCE, BODY);
    const e = explainFor(
      signErrorFor('POST', '/v3/pay/transactions/h5', sent),
      local('/v3/pay/transactions/h5', `${BODY}\n`),
    );
    expect(e.findings).toEqual([expect.stringMatching(/Your message is one byte longer/)]);
  });

  it('a re-serialised body (pretty-printed after signing): the visible prefix matches, the lengths do not', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(pretty.startsWith('{\n')).toBe(true);
    const sent = requestMessage('POST', '/v3/pay/transactions/h5', TS, NONCE, pretty);
    const e = explainFor(signErrorFor('POST', '/v3/pay/transactions/h5', sent), local('/v3/pay/transactions/h5', BODY));
    expect(e).toMatchObject({ matches: false, line: 'body' });
    expect(e.findings.join(' ')).toMatch(/re-serialis/);
  });

  it('a re-serialised body with the same start (spaces after colons): caught by the length', () => {
    const spaced = BODY.replace(/":/g, '": ');
    const sent = requestMessage('POST', '/v3/pay/transactions/h5', TS, NONCE, spaced);
    const e = explainFor(signErrorFor('POST', '/v3/pay/transactions/h5', sent), local('/v3/pay/transactions/h5', BODY));
    expect(e.firstDifference).toBe(-1);
    expect(e.findings).toEqual([expect.stringMatching(/re-serialised/)]);
  });

  it('a timestamp difference: the first difference is on the timestamp line, nothing about lengths', () => {
    const sent = requestMessage('POST', '/v3/pay/transactions/h5', '1623918290', NONCE, BODY);
    const e = explainFor(signErrorFor('POST', '/v3/pay/transactions/h5', sent), local('/v3/pay/transactions/h5', BODY));
    expect(e).toMatchObject({
      matches: false,
      line: 'timestamp',
      firstDifference: 'POST\n/v3/pay/transactions/h5\n16239182'.length,
    });
    expect(e.findings).toEqual([expect.stringContaining('timestamp differs')]);
  });

  it('a millisecond timestamp signed: timestamp finding, the 3 extra digits are not blamed on the body', () => {
    const sent = requestMessage('POST', '/v3/pay/transactions/h5', TS, NONCE, BODY);
    const e = explainFor(
      signErrorFor('POST', '/v3/pay/transactions/h5', sent),
      local('/v3/pay/transactions/h5', BODY, `${TS}000`),
    );
    expect(e.findings).toEqual([expect.stringContaining('milliseconds')]);
  });

  it('offsets are UTF-8 bytes, as sign_message_length is', () => {
    const body = '{"description":"深圳腾大","x":1}';
    const sent = requestMessage('POST', '/v3/x', TS, NONCE, body);
    const info = {
      method: 'POST',
      url: '/v3/x',
      sign_message_length: sent.length,
      truncated_sign_message: sent.toString(),
    };
    const e = explainSignError(
      {
        method: 'POST',
        url: '/v3/x',
        message: requestMessage('POST', '/v3/x', TS, NONCE, body.replace('1', '2')).toString(),
      },
      info,
    );
    expect(e.firstDifference).toBe(sent.indexOf('1}'));
    expect(e.line).toBe('body');
  });

  it('a different method and a lower-cased path are named', () => {
    const sent = requestMessage('POST', '/v3/Pay/x', TS, NONCE, '');
    const e = explainSignError(
      { method: 'PUT', url: '/v3/pay/x', message: requestMessage('PUT', '/v3/pay/x', TS, NONCE, '').toString() },
      { method: 'POST', url: '/v3/Pay/x', sign_message_length: sent.length, truncated_sign_message: sent.toString() },
    );
    expect(e.findings.join(' ')).toMatch(/method POST.*only in case/s);
  });
});
