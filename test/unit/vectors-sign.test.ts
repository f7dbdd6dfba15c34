import { describe, expect, it } from 'vitest';
import { loadPrivateKey } from '../../src/protocol/keys.js';
import { signMessage, signRequest, signRequestAsync, jsapiPayParams, appPayParams } from '../../src/protocol/sign.js';
import { readVectorFile, vector, vectorsOfKind } from '../helpers/vectors.js';

describe('known-answer vectors: signing', () => {
  it('reproduces every request-sign vector exactly', () => {
    const all = vectorsOfKind('request-sign');
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const v of all) {
      const key = loadPrivateKey(readVectorFile(v.privateKey as string));
      const signed = signRequest(
        {
          mchid: (v.mchid as string) ?? '1900007291',
          serialNo: (v.serialNo as string) ?? '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
          privateKey: key,
        },
        {
          method: v.method as string,
          url: v.url as string,
          body: v.body as string,
          timestamp: v.timestamp as string,
          nonce: v.nonce as string,
        },
      );
      expect(signed.signature, v.name).toBe(v.expectedSignature);
      if (v.expectedAuthorization) expect(signed.authorization).toBe(v.expectedAuthorization);
    }
  });

  it('signRequestAsync (the RSA sign on the thread pool, as client.request signs) gives every vector byte for byte', async () => {
    for (const v of vectorsOfKind('request-sign')) {
      const merchant = {
        mchid: (v.mchid as string) ?? '1900007291',
        serialNo: (v.serialNo as string) ?? '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
        privateKey: loadPrivateKey(readVectorFile(v.privateKey as string)),
      };
      const input = {
        method: v.method as string,
        url: v.url as string,
        body: v.body as string,
        timestamp: v.timestamp as string,
        nonce: v.nonce as string,
      };
      const signed = await signRequestAsync(merchant, input);
      expect(signed.signature, v.name).toBe(v.expectedSignature);
      expect(signed).toEqual(signRequest(merchant, input));
    }
  });

  it('an = written instead of %3D in the query changes the signature (the URL is signed verbatim)', () => {
    const v = vector('request-sign-get-query-verbatim');
    const key = loadPrivateKey(readVectorFile(v.privateKey as string));
    const merchant = { mchid: '1', serialNo: 'AA', privateKey: key };
    const base = { method: 'GET', body: '', timestamp: v.timestamp as string, nonce: v.nonce as string };
    expect(signRequest(merchant, { ...base, url: v.url as string }).signature).toBe(v.expectedSignature);
    expect(
      signRequest(merchant, { ...base, url: (v.url as string).replace('authorized_data%3D', 'authorized_data=') })
        .signature,
    ).not.toBe(v.expectedSignature);
  });

  it('reproduces the JSAPI paySign and APP sign vectors', () => {
    const j = vector('jsapi-pay-sign');
    const key = loadPrivateKey(readVectorFile(j.privateKey as string));
    const params = jsapiPayParams(
      key,
      j.appId as string,
      (j.package as string).replace('prepay_id=', ''),
      j.timeStamp as string,
      j.nonceStr as string,
    );
    expect(params).toEqual({
      appId: j.appId,
      timeStamp: j.timeStamp,
      nonceStr: j.nonceStr,
      package: j.package,
      signType: 'RSA',
      paySign: j.expectedPaySign,
    });
    const a = vector('app-pay-sign');
    const app = appPayParams(
      key,
      a.appid as string,
      a.partnerid as string,
      a.prepayid as string,
      a.timestamp as string,
      a.noncestr as string,
    );
    expect(app.sign).toBe(a.expectedSign);
    expect(app.package).toBe('Sign=WXPay');
  });

  it('reproduces the raw-sign vector with a PKCS#8 key', () => {
    for (const v of vectorsOfKind('raw-sign')) {
      expect(signMessage(loadPrivateKey(readVectorFile(v.privateKey as string)), v.message as string)).toBe(
        v.expectedSignature,
      );
    }
  });
});
