// The per-answer pieces the sandbox now makes cheaply (issue 19): pooled nonces, the Date header formatted once a
// second, the Request-ID without a regex pass. Each must give exactly what the per-answer version gave.
import { describe, expect, it } from 'vitest';
import { responseMessage } from '../../src/protocol/canonical.js';
import { createNonceSource } from '../../src/protocol/nonce.js';
import { requestId } from '../../src/sandbox/api-error.js';
import { httpDates } from '../../src/sandbox/reply.js';

describe('createNonceSource', () => {
  it('gives 32 upper-case hex characters, never the same twice across several refills', () => {
    const next = createNonceSource();
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const n = next();
      expect(n).toMatch(/^[0-9A-F]{32}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(1_000);
  });

  it('two sources share no bytes', () => {
    const a = createNonceSource();
    const b = createNonceSource();
    const fromA = new Set(Array.from({ length: 200 }, () => a()));
    expect(Array.from({ length: 200 }, () => b()).filter((n) => fromA.has(n))).toEqual([]);
  });
});

describe('httpDates', () => {
  it('formats each sandbox second as toUTCString does, and follows the clock both ways', () => {
    const date = httpDates();
    const t = Date.UTC(2026, 11, 2, 14, 11, 21, 0);
    expect(date(t)).toBe('Wed, 02 Dec 2026 14:11:21 GMT');
    expect(date(t + 999)).toBe('Wed, 02 Dec 2026 14:11:21 GMT');
    expect(date(t + 1_000)).toBe('Wed, 02 Dec 2026 14:11:22 GMT');
    // a clock moved back (/sandbox/clock) is not stuck on the later second
    expect(date(t - 86_400_000)).toBe('Tue, 01 Dec 2026 14:11:21 GMT');
    for (const ms of [0, 1, 999, 1_000, 1_764_684_681_500, -1_500])
      expect(date(ms)).toBe(new Date(ms - (((ms % 1000) + 1000) % 1000)).toUTCString());
  });
});

describe('requestId', () => {
  it('is 44 upper-case hex characters and the internal code', () => {
    for (let i = 0; i < 500; i++) expect(requestId(i * 7_919)).toMatch(/^[0-9A-F]{44}-0$/);
    expect(requestId(2 ** 40, 'SIGN_ERROR')).toMatch(/^[0-9A-F]{44}-268435461$/);
    expect(requestId(1, 'SOMETHING_NEW')).toMatch(/^[0-9A-F]{44}-268435456$/);
  });
});

describe('responseMessage', () => {
  it('signs the same bytes for a JSON answer kept as a string as for its UTF-8 Buffer', () => {
    const json = JSON.stringify({ trade_state: 'NOTPAY', trade_state_desc: '订单未支付', amount: { total: 1 } });
    const fromString = responseMessage('1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', json);
    expect(fromString).toEqual(responseMessage('1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', Buffer.from(json)));
    expect(fromString.toString('utf8')).toBe(`1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n${json}\n`);
    expect(fromString.length).toBe(45 + Buffer.byteLength(json));
  });
});
