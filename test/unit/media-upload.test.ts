// The media upload (docs/protocol.md §14): the `meta` JSON, the multipart body, and the trap every SDK's tracker
// shows: the request signature covers the meta JSON only, never the whole body. Pinned for a known file.
import { createHash, verify as rsaVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { imageProblem, MEDIA_MAX_BYTES, uploadMedia, uploadRequest } from '../../src/api/media.js';
import { parseAuthorization, requestMessage } from '../../src/protocol/canonical.js';
import { buildMultipart, multipartBoundary, parseMultipart } from '../../src/protocol/multipart.js';
import { NOW_S, setup } from './client-fake.js';
import { TINY_PNG } from '../helpers/receiver.js';

const f = setup();
const PNG = TINY_PNG;
const SHA = '497790947d4666760ce38f3c00e852c71fdb66cae849bae8e9ede352719e1581';
const META = `{"filename":"reply.png","sha256":"${SHA}"}`;
const NONCE = '593BEC0C930BF1AFEB40B4A08C8FB242';

describe('media upload: the signed message for a known file', () => {
  it('signs exactly POST, the path, the time, the nonce and the meta JSON; the body is the whole form', async () => {
    f.pool
      .intercept({ path: '/v3/merchant-service/images/upload', method: 'POST' })
      .reply(f.reply(200, { media_id: 'BB04A5DEEFEA18D4F2554C1EDD3B610B.png' }));
    const client = f.mkClient({ nonce: () => NONCE });
    const req = uploadRequest({ purpose: 'complaint', filename: 'reply.png', file: PNG, boundary: 'wxpay-fixed' });
    const res = await uploadMedia(client, {
      purpose: 'complaint',
      filename: 'reply.png',
      file: PNG,
      boundary: 'wxpay-fixed',
    });
    expect(res.media_id).toBe('BB04A5DEEFEA18D4F2554C1EDD3B610B.png');
    const seen = f.seen.at(-1)!;
    const auth = parseAuthorization(seen.headers.authorization!);
    const message = `POST\n/v3/merchant-service/images/upload\n${NOW_S}\n${NONCE}\n${META}\n`;
    expect(requestMessage('POST', '/v3/merchant-service/images/upload', NOW_S, NONCE, META).toString()).toBe(message);
    expect(rsaVerify('sha256', Buffer.from(message), f.merchant.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(
      true,
    );
    // PKCS#1 v1.5 is deterministic: this is the signature of that message with the suite's first fixture key.
    expect(auth.signature).toBe(PINNED_SIGNATURE);
    expect(seen.headers['content-type']).toBe('multipart/form-data; boundary=wxpay-fixed');
    const body = Buffer.from((req.upload as { bytes: Buffer }).bytes);
    expect(createHash('sha256').update(body).digest('hex')).toBe(PINNED_BODY_SHA256);
    const head =
      '--wxpay-fixed\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n' +
      `${META}\r\n--wxpay-fixed\r\nContent-Disposition: form-data; name="file"; filename="reply.png"\r\n` +
      'Content-Type: image/png\r\n\r\n';
    expect(body.subarray(0, head.length).toString('latin1')).toBe(head);
    expect(body.subarray(head.length, head.length + PNG.length).equals(PNG)).toBe(true);
    expect(body.subarray(head.length + PNG.length).toString()).toBe('\r\n--wxpay-fixed--\r\n');
  });

  it('regression (the SDK trap): a signature over the whole body is not the one sent', () => {
    const req = uploadRequest({ purpose: 'merchant', filename: 'reply.png', file: PNG, boundary: 'b' });
    expect(req.path).toBe('/v3/merchant/media/upload');
    const prepared = f.mkClient({ nonce: () => NONCE }).prepare(req);
    const auth = parseAuthorization(prepared.headers.Authorization!);
    const wholeBody = requestMessage('POST', '/v3/merchant/media/upload', NOW_S, NONCE, prepared.body);
    expect(rsaVerify('sha256', wholeBody, f.merchant.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(false);
    const metaOnly = requestMessage('POST', '/v3/merchant/media/upload', NOW_S, NONCE, META);
    expect(rsaVerify('sha256', metaOnly, f.merchant.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(true);
  });
});

describe('multipart framing', () => {
  it('parses back what it builds: meta first, then the file with its name and type', () => {
    const form = buildMultipart({
      meta: META,
      filename: 'reply.png',
      file: PNG,
      fileContentType: 'image/png',
      boundary: 'x-1',
    });
    const boundary = multipartBoundary(form.contentType)!;
    expect(boundary).toBe('x-1');
    const parts = parseMultipart(form.bytes, boundary)!;
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['meta', undefined, 'application/json'],
      ['file', 'reply.png', 'image/png'],
    ]);
    expect(parts[0]!.data.toString()).toBe(META);
    expect(parts[1]!.data.equals(PNG)).toBe(true);
  });

  it('refuses a body cut short, a missing closing delimiter and a part without a name', () => {
    const form = buildMultipart({
      meta: META,
      filename: 'a.png',
      file: PNG,
      fileContentType: 'image/png',
      boundary: 'q',
    });
    expect(parseMultipart(form.bytes.subarray(0, form.bytes.length - 8), 'q')).toBeUndefined();
    expect(parseMultipart(Buffer.from('--q\r\nContent-Type: text/plain\r\n\r\nx\r\n--q--\r\n'), 'q')).toBeUndefined();
    expect(parseMultipart(Buffer.from('garbage'), 'q')).toBeUndefined();
    expect(multipartBoundary('application/json')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
  });

  it('refuses a file name that would break the header', () => {
    expect(() =>
      buildMultipart({ meta: '{}', filename: 'a".png', file: PNG, fileContentType: 'image/png', boundary: 'q' }),
    ).toThrow(/cannot go into a form field/);
  });
});

describe('upload limits: JPG, PNG or BMP, at most 2 MiB', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(10)]);
  it('accepts a PNG, a JPEG under .jpg or .jpeg, and a BMP', () => {
    expect(imageProblem('a.png', PNG)).toBeUndefined();
    expect(imageProblem('a.JPG', jpeg)).toBeUndefined();
    expect(imageProblem('a.jpeg', jpeg)).toBeUndefined();
    expect(imageProblem('a.bmp', Buffer.from('BM\0\0\0\0'))).toBeUndefined();
  });
  it('refuses other types, a name that lies about the content, an empty file and one byte over 2 MiB', () => {
    expect(imageProblem('a.gif', Buffer.from('GIF89a'))).toMatch(/must end in/);
    expect(imageProblem('a.png', jpeg)).toMatch(/not a PNG image/);
    expect(imageProblem('a.png', Buffer.alloc(0))).toMatch(/empty/);
    const big = Buffer.concat([PNG, Buffer.alloc(MEDIA_MAX_BYTES - PNG.length + 1)]);
    expect(imageProblem('a.png', big)).toMatch(/limit is 2097152/);
    expect(imageProblem('a.png', big.subarray(0, MEDIA_MAX_BYTES))).toBeUndefined();
    expect(() => uploadRequest({ purpose: 'complaint', filename: 'a.gif', file: Buffer.from('GIF89a') })).toThrow(
      /would refuse this upload/,
    );
  });
});

const PINNED_SIGNATURE =
  'FOtWtbF4efXEonGoGbYZoGf0uJ88ECcqtKflwjiXDBOp6PM6xoC8DjByMuLJVYPGm04c9czohvsorNSQadgbIeKVF1pJnVBGzsNMD0rhcKi9ESLgjWLy5AHHuBAGDLRNJxVsdjWCDiNdEls4zLFllhm374iBgkqQjqPT2aQ8G/L4N+DQYQK6NAzyhRo+625dmJ6VfwLTD55T4p2bzFz+Zca6mswgywMyN28D9uSjYB7PYKk8NKAMWwygO18QZJvPyLqX4YwtLRHouf50sHCFD2QF+dmAALDvoSXui0CoH9OV9eqcXv4WrCqTB64lLy95sSXk5URIDRkbD5t25l8jIg==';
const PINNED_BODY_SHA256 = 'cde81213d85a21a960fac0752cd255fd555693e1152ddcc0133a953f797e196f';
