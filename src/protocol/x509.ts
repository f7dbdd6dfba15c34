// A minimal X.509 v3 certificate writer over node:crypto (which parses certificates but cannot make them).
// Used by `wxpay sandbox init` for throwaway merchant and platform certificates; DER by hand, RSA-SHA256.
import { randomBytes, sign, type KeyObject } from 'node:crypto';

const tlv = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : (() => {
          const bytes: number[] = [];
          for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), len, content]);
};
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

const NAME_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
};
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));

/** Attributes in order, e.g. [['C','CN'],['O','Tenpay.com'],['CN','Tenpay.com sign']]. */
export type DistinguishedName = Array<[keyof typeof NAME_OIDS, string]>;

function name(dn: DistinguishedName): Buffer {
  return seq(
    ...dn.map(([k, v]) =>
      set(seq(oid(NAME_OIDS[k]!), k === 'C' ? tlv(0x13, Buffer.from(v)) : tlv(0x0c, Buffer.from(v, 'utf8')))),
    ),
  );
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

/** 20 random bytes, top nibble non-zero and top bit clear: always 40 hex digits and a positive INTEGER. */
export function randomSerial(): Buffer {
  const b = randomBytes(20);
  b[0] = (b[0]! & 0x6f) | 0x10;
  return b;
}

export interface CertificateSpec {
  subject: DistinguishedName;
  issuer?: DistinguishedName;
  publicKey: KeyObject;
  /** The key that signs the certificate; the subject's own key for a self-signed one. */
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  serial?: Buffer;
}

export function createCertificatePem(spec: CertificateSpec): string {
  const serial = spec.serial ?? randomSerial();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    SHA256_RSA,
    name(spec.issuer ?? spec.subject),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, spec.signingKey);
  const der = seq(tbs, SHA256_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
