// The suite-wide secrets scan (test/helpers/secrets-scan.ts) must catch what it is for: a planted APIv3 key
// and any single planted line of a private-key PEM, in any output file; and it must stay quiet on clean output.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { merchantKeySet } from '../helpers/fixtures.js';
import { needlesOf, recordOutput, registerSecret, scanArtifacts } from '../helpers/secrets-scan.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeTemp(d);
});
/** A fresh artifacts folder, separate from the suite's own, so planted leaks never fail the real scan. */
function artifacts(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-test-'));
  dirs.push(d);
  return d;
}

const APIV3 = 'PlantedApiV3Key0123456789abcdefX';
const pem = merchantKeySet().privateKeyPem;
const pemLines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));

describe('secrets scan', () => {
  it('is quiet on clean output', () => {
    const d = artifacts();
    registerSecret(d, 'apiv3', APIV3);
    registerSecret(d, 'key', pem);
    recordOutput(d, 'wxpay config show', 'apiV3Key  (redacted; from env WXPAY_APIV3_KEY)\n');
    expect(scanArtifacts(d)).toEqual([]);
  });

  it('catches a planted APIv3 key', () => {
    const d = artifacts();
    registerSecret(d, 'apiv3', APIV3);
    recordOutput(d, 'clean', 'nothing here');
    recordOutput(d, 'wxpay leaky', `{"error":{"message":"bad key ${APIV3}"}}`);
    const leaks = scanArtifacts(d);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ secretLabel: 'apiv3', file: expect.stringContaining('wxpay_leaky') });
  });

  it('catches a whole planted PEM, and a PEM re-wrapped or JSON-escaped', () => {
    const d = artifacts();
    registerSecret(d, 'merchant key', pem);
    recordOutput(d, 'whole', pem);
    recordOutput(d, 'json', JSON.stringify({ key: pem }));
    recordOutput(d, 'rewrapped', pemLines.join('').replace(/(.{76})/g, '$1\r\n'));
    expect(scanArtifacts(d).map((l) => l.secretLabel)).toEqual(['merchant key', 'merchant key', 'merchant key']);
  });

  // Regression: needles were 40-character slices at multiples of 40 of the joined base64, so a 64-character
  // PEM line that contains no such whole slice (the 3rd line, for example) went unnoticed.
  it('secrets-scan-single-pem-line: catches ANY single planted PEM line', () => {
    const d = artifacts();
    registerSecret(d, 'merchant key', pem);
    pemLines.slice(0, -1).forEach((line, i) => recordOutput(d, `line-${i}`, `debug: ${line}\n`));
    expect(scanArtifacts(d)).toHaveLength(pemLines.length - 1);
  });

  // The scan looks for key slices only inside runs of base64 (one hashed pass per file, not one search per needle):
  // a line glued to other base64, in a file of Chinese text, is still found; a registered key seen many times counts once.
  it('finds a PEM line inside a longer base64 run, amid non-ASCII text, with the key registered twice', () => {
    const d = artifacts();
    registerSecret(d, 'merchant key', pem);
    registerSecret(d, 'merchant key again', pem);
    recordOutput(d, 'bill', `交易时间,商户号\n\`2026-12-01,\`QUJD${pemLines[2]}QUJD==,沙箱\n`.repeat(3));
    recordOutput(d, 'clean bill', `交易时间,商户号\n\`2026-12-01,\`${'QUJD'.repeat(50)},沙箱\n`);
    expect(scanArtifacts(d)).toEqual([{ file: expect.stringContaining('-bill.txt'), secretLabel: 'merchant key' }]);
  });

  it('short strings are not needles (no false alarms on 7-character "secrets")', () => {
    expect(needlesOf('abc1234')).toEqual([]);
    expect(needlesOf(APIV3)).toEqual([APIV3]);
  });

  // Issue 12: a --dry-run printed a live Authorization header that could be replayed. Dry-run output may hold
  // nothing signature-shaped, whether or not any secret was registered; `wxpay sign` may (that is its job).
  describe('dry-run output', () => {
    const sig = `${'A'.repeat(342)}==`;
    const auth = (s: string) =>
      `WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N",signature="${s}",timestamp="1700000000",serial_no="S"`;

    it('a real signature in --dry-run output is a leak, as text or as JSON, with no secret registered', () => {
      const d = artifacts();
      recordOutput(
        d,
        `wxpay refund create --out-trade-no ${'X'.repeat(80)} --dry-run`,
        `Authorization: ${auth(sig)}\n`,
      );
      recordOutput(
        d,
        'wxpay close X --dry-run --json',
        JSON.stringify({
          request: { headers: { Authorization: auth('c2hvcnRlciBzaWduYXR1cmUgc3RpbGwgcmVwbGF5YWJsZQ==') } },
        }),
      );
      expect(scanArtifacts(d).map((l) => l.secretLabel)).toEqual([
        'a signature in --dry-run output',
        'a signature in --dry-run output',
      ]);
    });

    it("the placeholder is clean, and a signature outside a dry run is not this rule's business", () => {
      const d = artifacts();
      recordOutput(d, 'wxpay refund create --dry-run', `Authorization: ${auth('<not signed: --dry-run>')}\n`);
      recordOutput(
        d,
        'wxpay close X --dry-run --json',
        JSON.stringify({ Authorization: auth('<not signed: --dry-run>') }),
      );
      recordOutput(d, 'wxpay sign GET /v3/certificates', `Authorization: ${auth(sig)}\n`);
      recordOutput(d, 'wxpay refund create --dry-runner', sig);
      expect(scanArtifacts(d)).toEqual([]);
    });

    it('dry-run-ciphertext-not-a-signature: an encrypted field of a dry-run body is clean; a bare run still leaks', () => {
      const d = artifacts();
      recordOutput(d, 'wxpay profitsharing order create --dry-run', `{"receivers":[{"name":"${sig}","amount":1}]}\n`);
      expect(scanArtifacts(d)).toEqual([]);
      recordOutput(d, 'wxpay refund create --dry-run', `x ${sig}\n`);
      expect(scanArtifacts(d).map((l) => l.secretLabel)).toEqual(['a signature in --dry-run output']);
    });
  });
});
