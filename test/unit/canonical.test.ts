import { describe, expect, it } from 'vitest';
import {
  buildAuthorization,
  canonicalUrl,
  parseAuthorization,
  requestMessage,
  responseMessage,
} from '../../src/protocol/canonical.js';
import { normalizeSerial } from '../../src/protocol/serials.js';

const f = { mchid: '1900007291', nonce_str: 'N', signature: 'c2ln', timestamp: '1554208460', serial_no: '408B' };

describe('canonical messages', () => {
  it('an empty body still ends NONCE\\n\\n, for GET and DELETE alike', () => {
    expect(requestMessage('get', '/v3/x', '1', 'n').toString()).toBe('GET\n/v3/x\n1\nn\n\n');
    expect(requestMessage('DELETE', '/v3/x', '1', 'n', '').toString()).toBe('DELETE\n/v3/x\n1\nn\n\n');
    expect(responseMessage('1', 'n', '').toString()).toBe('1\nn\n\n');
  });

  it('keeps the body bytes as given, CRLF included', () => {
    expect(requestMessage('POST', '/v3/x', '1', 'n', '{"a":1}\r\n').toString()).toBe(
      'POST\n/v3/x\n1\nn\n{"a":1}\r\n\n',
    );
  });

  it('drops scheme and host from an absolute URL and keeps the rest verbatim', () => {
    expect(canonicalUrl('https://api.mch.weixin.qq.com/v3/a?b=%3D&c=D')).toBe('/v3/a?b=%3D&c=D');
    expect(canonicalUrl('/v3/A/b?x=1')).toBe('/v3/A/b?x=1');
    expect(canonicalUrl('http://127.0.0.1:8931')).toBe('/');
  });
});

describe('Authorization header', () => {
  it('round-trips and parses every field order', () => {
    const h = buildAuthorization(f);
    expect(parseAuthorization(h)).toEqual(f);
    const reordered =
      'WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="408B",timestamp="1554208460",nonce_str="N",mchid="1900007291"';
    expect(parseAuthorization(reordered)).toEqual(f);
  });

  it.each([
    ['wrong scheme', 'WECHATPAY2-SM2-WITH-SM3 mchid="1"'],
    ['missing field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="N",signature="s",timestamp="1"'],
    [
      'duplicate field',
      'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="N",signature="s",timestamp="1",serial_no="A"',
    ],
    [
      'space after comma',
      'WECHATPAY2-SHA256-RSA2048 mchid="1", nonce_str="N",signature="s",timestamp="1",serial_no="A"',
    ],
    ['trailing comma', `${buildAuthorization(f)},`],
    ['unquoted value', 'WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str="N",signature="s",timestamp="1",serial_no="A"'],
    ['unknown field', `${buildAuthorization(f)},extra="x"`],
  ])('rejects %s', (_, header) => {
    expect(() => parseAuthorization(header)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('serials', () => {
  it('are whole-byte upper-case hex', () => {
    expect(normalizeSerial('5dea10ef')).toBe('5DEA10EF');
    expect(normalizeSerial('ABC')).toBe('0ABC');
    expect(normalizeSerial('0a:bc')).toBe('0ABC');
  });
});
