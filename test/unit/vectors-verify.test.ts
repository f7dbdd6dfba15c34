import { describe, expect, it } from 'vitest';
import { aeadOpen, apiV3KeyFrom } from '../../src/protocol/aead.js';
import { createKeyStore, loadPrivateKey, loadPublicKey, parseCertificate } from '../../src/protocol/keys.js';
import { oaepDecrypt } from '../../src/protocol/oaep.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { readVectorFile, vector, vectorsOfKind } from '../helpers/vectors.js';

describe('known-answer vectors: verification and decryption', () => {
  it('verifies the response-verify vector in public-key mode', () => {
    for (const v of vectorsOfKind('response-verify')) {
      const h = v.headers as Record<string, string>;
      const keys = createKeyStore([[h['Wechatpay-Serial']!, loadPublicKey(readVectorFile(v.publicKey as string))]]);
      const res = verifySignature({ headers: h, body: v.body as string, keys, now: Number(h['Wechatpay-Timestamp']) });
      expect(res.serial).toBe('PUB_KEY_ID_0000000000000024101100397200000006');
      expect(res.skew).toBe(0);
    }
  });

  it('verifies the Go notification vector against its certificate', () => {
    const v = vector('notification-verify-go');
    const h = v.headers as Record<string, string>;
    const cert = parseCertificate(readVectorFile(v.certificate as string));
    expect(cert.serial).toBe('D7CE59D1F522D701');
    const keys = createKeyStore([[cert.serial, cert.publicKey]]);
    expect(
      verifySignature({ headers: h, body: v.body as string, keys, now: Number(h['Wechatpay-Timestamp']) + 10 }).serial,
    ).toBe('D7CE59D1F522D701');
  });

  it('refuses the Go vector\'s 16-byte "APIv3 key" with a clear error', () => {
    const v = vector('notification-verify-go');
    expect(() => apiV3KeyFrom(v.apiV3Key as string)).toThrow(
      expect.objectContaining({ code: 'APIV3_KEY_INVALID', exitCode: 3, message: expect.stringContaining('16 bytes') }),
    );
  });

  it('decrypts the AEAD vector', () => {
    for (const v of vectorsOfKind('aead-decrypt')) {
      const out = aeadOpen(apiV3KeyFrom(v.apiV3Key as string), {
        nonce: v.nonce as string,
        associated_data: v.associatedData as string,
        ciphertext: v.ciphertext as string,
      });
      expect(out.toString()).toBe(v.expectedPlaintext);
    }
  });

  it('decrypts the certificate list to the expected certificate', () => {
    const v = vector('certificates-list-decrypt');
    const body = JSON.parse(v.responseBody as string) as {
      data: Array<{
        serial_no: string;
        encrypt_certificate: { nonce: string; associated_data: string; ciphertext: string };
      }>;
    };
    const pem = aeadOpen(apiV3KeyFrom(v.apiV3Key as string), body.data[0]!.encrypt_certificate).toString();
    const cert = parseCertificate(pem);
    expect(cert.serial).toBe(v.expectedSerial);
    expect(cert.serial).toBe(body.data[0]!.serial_no);
    expect(cert.subjectCN).toBe(v.expectedSubjectCN);
    expect(cert.validFrom.toISOString()).toBe(new Date(v.expectedValidFrom as string).toISOString());
    expect(cert.validTo.toISOString()).toBe(new Date(v.expectedValidTo as string).toISOString());
  });

  it('decrypts the OAEP-SHA1 vector', () => {
    for (const v of vectorsOfKind('oaep-decrypt')) {
      expect(oaepDecrypt(loadPrivateKey(readVectorFile(v.privateKey as string)), v.ciphertext as string)).toBe(
        v.expectedPlaintext,
      );
    }
  });

  it('reads the Java key set: cert serials and key pairs', () => {
    const v = vector('java-key-set');
    expect(parseCertificate(readVectorFile(v.merchantCert as string)).serial).toBe(v.merchantSerial);
    expect(parseCertificate(readVectorFile(v.platformCert as string)).serial).toBe(v.platformSerial);
  });
});
