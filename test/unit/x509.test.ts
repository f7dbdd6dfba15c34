import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificatePem } from '../../src/protocol/x509.js';
import { keyMatchesCertificate, parseCertificate } from '../../src/protocol/keys.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

describe('createCertificatePem', () => {
  const { privateKey, publicKey } = nextTestKeyPair();
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2031-01-01T00:00:00Z');

  it('writes a certificate that node and openssl semantics agree on', () => {
    const pem = createCertificatePem({
      subject: [['CN', '1900007291']],
      publicKey,
      signingKey: privateKey,
      notBefore,
      notAfter,
      serial: Buffer.from('5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC', 'hex'),
    });
    const info = parseCertificate(pem);
    expect(info.serial).toBe('5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC');
    expect(info.subjectCN).toBe('1900007291');
    expect(info.validFrom.toISOString()).toBe(notBefore.toISOString());
    expect(info.validTo.toISOString()).toBe(notAfter.toISOString());
    expect(keyMatchesCertificate(privateKey, pem)).toBe(true);
    // Self-signed: its signature verifies with its own public key.
    expect(new X509Certificate(pem).verify(publicKey)).toBe(true);
  });

  it('random serials are always 40 hex digits; issuer and subject are kept apart', () => {
    const issuerKeys = nextTestKeyPair();
    for (let i = 0; i < 20; i++) {
      const pem = createCertificatePem({
        subject: [
          ['C', 'CN'],
          ['O', 'Tenpay.com'],
          ['OU', 'Tenpay.com CA Center'],
          ['L', 'ShenZhen'],
          ['CN', 'Tenpay.com sign'],
        ],
        issuer: [['CN', 'Tenpay.com Root CA']],
        publicKey,
        signingKey: issuerKeys.privateKey,
        notBefore,
        notAfter: new Date('2055-01-01T00:00:00Z'),
      });
      const info = parseCertificate(pem);
      expect(info.serial).toMatch(/^[0-9A-F]{40}$/);
      expect(info.issuerCN).toBe('Tenpay.com Root CA');
      expect(info.subjectCN).toBe('Tenpay.com sign');
      expect(new X509Certificate(pem).verify(issuerKeys.publicKey)).toBe(true);
      expect(info.validTo.getUTCFullYear()).toBe(2055);
    }
  });
});
