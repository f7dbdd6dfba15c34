// Issue 15: every WeChat Pay format rule has one home in src/protocol/ (China time, the merchant number patterns,
// the PUB_KEY_ID_ rule, WeChat Pay's id shapes, nonces). Exact values here; and a scan that the review's copies
// (six China-time formatters, three out_trade_no patterns, ten PUB_KEY_ID_ checks) do not come back.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chinaDate,
  chinaDateTime,
  chinaDayStart,
  chinaDigits,
  chinaRfc3339,
  parseChinaTime,
} from '../../src/protocol/china-time.js';
import {
  OUT_TRADE_NO_CHARS,
  TRANSACTION_ID,
  isOutRefundNo,
  isOutTradeNo,
  newWechatIds,
} from '../../src/protocol/ids.js';
import { newNonce, newResourceNonce } from '../../src/protocol/nonce.js';
import {
  isPublicKeyId,
  newPublicKeyId,
  normalizeSerial,
  randomDigits,
  serialKind,
} from '../../src/protocol/serials.js';
import { repoRoot } from '../helpers/paths.js';

// 2026-01-01T16:30:05Z is 2026-01-02 00:30:05 in China: the day differs from UTC's.
const MS = Date.parse('2026-01-01T16:30:05Z');

describe('China time (protocol/china-time.ts)', () => {
  it('regression recover-since-utc: a bare date in a time option is midnight in China, not in UTC', () => {
    // `notify recover --since 2026-12-01` read the date as UTC midnight (08:00 in China), so callbacks lost between
    // 00:00 and 08:00 China time on that day were outside the window.
    expect(new Date(parseChinaTime('2026-12-01')).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseChinaTime('2026-12-01T03:00:00+08:00')).toBe(Date.parse('2026-11-30T19:00:00Z'));
    expect(parseChinaTime('2026-12-01T03:00:00Z')).toBe(Date.parse('2026-12-01T03:00:00Z'));
    expect(parseChinaTime('yesterday')).toBeNaN();
    const now = Date.parse('2026-12-01T17:00:00Z'); // 01:00 on the 2nd in China
    expect(new Date(parseChinaTime('today', now)).toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(new Date(parseChinaTime('yesterday', now)).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseChinaTime('2026-13-01')).toBeNaN();
  });
  it('formats one instant in each of WeChat Pay’s forms', () => {
    expect(chinaRfc3339(MS)).toBe('2026-01-02T00:30:05+08:00');
    expect(chinaDate(MS)).toBe('2026-01-02');
    expect(chinaDateTime(MS)).toBe('2026-01-02 00:30:05');
    expect(chinaDigits(MS)).toBe('20260102003005');
    expect(chinaRfc3339(0)).toBe('1970-01-01T08:00:00+08:00');
  });

  it('a China-time day starts at 16:00 UTC the day before', () => {
    expect(new Date(chinaDayStart('2026-01-02')).toISOString()).toBe('2026-01-01T16:00:00.000Z');
    expect(chinaDate(chinaDayStart('2026-01-02'))).toBe('2026-01-02');
    expect(chinaDate(chinaDayStart('2026-01-02') - 1)).toBe('2026-01-01');
  });
});

describe('ids and serials', () => {
  it('out_trade_no: 6-32 of [0-9A-Za-z_-|*]; out_refund_no: 1-64, @ too', () => {
    expect(isOutTradeNo('ORDER_1-2|3*')).toBe(true);
    expect(isOutTradeNo('12345')).toBe(false);
    expect(isOutTradeNo('a'.repeat(32))).toBe(true);
    expect(isOutTradeNo('a'.repeat(33))).toBe(false);
    expect(isOutTradeNo('ORDER@1')).toBe(false);
    expect(isOutRefundNo('R@1')).toBe(true);
    expect(isOutRefundNo('r'.repeat(64))).toBe(true);
    expect(isOutRefundNo('r'.repeat(65))).toBe(false);
    expect(isOutRefundNo('')).toBe(false);
    // The sandbox quotes this source in its PARAM_ERROR, as WeChat Pay's own answer does.
    expect(OUT_TRADE_NO_CHARS.source).toBe('^[0-9A-Za-z_\\-|*]+$');
    expect(TRANSACTION_ID.test('4200000000000000000000000000')).toBe(true);
    expect(TRANSACTION_ID.test('42-00')).toBe(false);
  });

  it("WeChat Pay's ids carry the China-time date", () => {
    expect(newWechatIds.prepayId(MS)).toMatch(/^wx20260102003005\d{20}$/);
    expect(newWechatIds.transactionId(MS)).toMatch(/^4200\d{6}20260102\d{10}$/);
    expect(newWechatIds.refundId(MS)).toMatch(/^5030\d{6}20260102\d{11}$/);
  });

  it('PUB_KEY_ID_ marks a public key; anything hex is a certificate serial', () => {
    expect(isPublicKeyId('PUB_KEY_ID_0000000000000024101100397200000006')).toBe(true);
    expect(isPublicKeyId('5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC')).toBe(false);
    expect(serialKind('PUB_KEY_ID_0000000000000024101100397200000006')).toBe('public-key');
    expect(serialKind('5dea10ef')).toBe('platform-certificate');
    expect(serialKind('not a serial')).toBe('unknown');
    expect(normalizeSerial('0a:bc')).toBe('0ABC');
    expect(newPublicKeyId()).toMatch(/^PUB_KEY_ID_\d{34}$/);
    expect(randomDigits(40)).toMatch(/^\d{40}$/);
  });

  it('nonces: 32 upper-case hex for signatures, 12 URL-safe characters for AEAD resources', () => {
    expect(newNonce()).toMatch(/^[0-9A-F]{32}$/);
    expect(newResourceNonce()).toMatch(/^[\w-]{12}$/);
    expect(newNonce()).not.toBe(newNonce());
  });
});

describe('each rule is written once', () => {
  const src = path.join(repoRoot, 'src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  const code = (f: string) =>
    readFileSync(f, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
  const where = (re: RegExp) =>
    files(src)
      .filter((f) => re.test(code(f)))
      .map((f) => path.relative(src, f).split(path.sep).join('/'));

  it.each([
    ['the China-time offset', /8 \* 3_?600|\+ 28_?800|UTC\+8 offset/, ['protocol/china-time.ts']],
    ['an RFC 3339 "+08:00" being built', /\+08:00`/, ['protocol/china-time.ts']],
    ['the out_trade_no characters', /\[0-9A-Za-z_\\-\|\*/, ['protocol/ids.ts']],
    ['an out_trade_no length', /\{6,32\}|min: 6, max: 32|< 6 \|\| \w+ > 32/, ['protocol/ids.ts']],
    ['an out_refund_no length', /@\]\{1,64\}|min: 1, max: 64/, ['protocol/ids.ts']],
    ['the PUB_KEY_ID_ check', /startsWith\(['"]PUB_KEY_ID_|\^PUB_KEY_ID_/, []],
    ['a PUB_KEY_ID_ being built', /`PUB_KEY_ID_\$/, []],
    [
      'a signature nonce generator',
      /(function|const)\s+\w*[nN]once\s*=?\s*\(?\)?\s*(=>|:)?[^;]*randomBytes/,
      ['protocol/nonce.ts'],
    ],
    ['a 12-character AEAD nonce', /toString\('base64url'\)\.slice\(0, 12\)/, []],
  ])('%s', (_name, re, homes) => {
    expect(where(re)).toEqual(homes);
  });
});
