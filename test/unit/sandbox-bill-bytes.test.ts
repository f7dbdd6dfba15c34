// Issue 19: the sandbox writes its bills as bytes straight into a buffer instead of joining strings. hash_value was
// taken from the old bytes and a client compares them, so not one byte may change. The SHA1s below were pinned from
// the string generator before the byte writer replaced it, for every bill type the sandbox serves, two days, seeded
// batches with and without refunds, and real events whose cells need quoting (commas, quotes, line breaks).
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BillKind, FundAccountType, TradeBillType } from '../../src/bills/layout.js';
import { billChunks, billSha1, billStream, type BillSpec } from '../../src/sandbox/bills.js';
import {
  syntheticEvent,
  type DayEvents,
  type PaymentEvent,
  type RefundEvent,
  type SyntheticBatch,
} from '../../src/sandbox/bill-source.js';
import { BillBuffer, ChunkPool } from '../../src/sandbox/bill-buffer.js';
import { minuteCachedDateTime } from '../../src/sandbox/fund-bill.js';
import { gzipChunks } from '../../src/sandbox/bill-gzip.js';
import type { Totals } from '../../src/sandbox/bill-cells.js';
import { seededTradeRows, seedRowWriter } from '../../src/sandbox/seeded-trade-rows.js';
import { tradeRow } from '../../src/sandbox/trade-row.js';
import { chinaDateTime } from '../../src/protocol/china-time.js';
import { fc } from '../helpers/fc.js';
import type { SplitBillRow } from '../../src/sandbox/profitsharing-bill.js';

const DAY1 = Date.parse('2026-03-04T00:00:00+08:00');

function payment(i: number, over: Partial<PaymentEvent> = {}): PaymentEvent {
  return {
    time: DAY1 + 3_600_000 * (i + 1) + 17_000 * i,
    appid: 'wxd678efh567hg6787',
    mchid: '1230000109',
    subMchid: i === 2 ? '1900000109' : '',
    transactionId: `42000000012026030400000${i}`,
    outTradeNo: `ORDER-${i}`,
    openid: `oUpF8uMuAJO_M2pxb1Q9zNjWeS6${i}`,
    tradeType: 'JSAPI',
    currency: 'CNY',
    total: [100, 2599, 12345, 700, 1][i % 5]!,
    description: ['普通商品', '绿茶, 大杯, "冰"', 'line\r\nbreak', 'tab\there', ''][i % 5]!,
    attach: ['', 'a,b', '"q"', 'x\ny', 'plain'][i % 5]!,
    ...over,
  };
}

const payments = [0, 1, 2, 3, 4].map((i) => payment(i));
const refunds: RefundEvent[] = [
  {
    time: payments[1]!.time + 600_000,
    successTime: payments[1]!.time + 660_000,
    status: 'SUCCESS',
    refundId: '50300000012026030400001',
    outRefundNo: 'R-1',
    refund: 1000,
    reason: '质量问题\n换货',
    payment: payments[1]!,
  },
  {
    time: payments[2]!.time + 60_000,
    status: 'PROCESSING',
    refundId: '50300000012026030400002',
    outRefundNo: 'R-2,x',
    refund: 12345,
    reason: '',
    payment: payments[2]!,
  },
  {
    time: payments[0]!.time + 1000,
    successTime: payments[0]!.time + 2000,
    status: 'SUCCESS',
    refundId: '50300000012026030400003',
    outRefundNo: 'R-"3"',
    refund: 100,
    reason: 'r"e,a\rson',
    payment: payments[0]!,
  },
];
const batch = (date: string, count: number, refundEvery: number): SyntheticBatch => ({
  date,
  count,
  refundEvery,
  mchid: '1230000109',
  appid: 'wxd678efh567hg6787',
});
const splits: SplitBillRow[] = [
  {
    time: DAY1 + 5000,
    mchid: '1230000109',
    transactionId: '4200000001202603040000001',
    orderId: '30000001',
    outOrderNo: 'P,1',
    kind: '分账',
    receiverType: 'MERCHANT_ID',
    account: '1900000109',
    amount: 150,
    description: '分给商户"A"',
  },
  {
    time: DAY1 + 9000,
    mchid: '1230000109',
    transactionId: '4200000001202603040000001',
    orderId: '30000002',
    outOrderNo: 'P2',
    kind: '回退',
    receiverType: 'MERCHANT_ID',
    account: '1900000109',
    amount: 50,
    description: 'back',
  },
];

const spec = (kind: BillKind, tradeType: TradeBillType, account: FundAccountType, events: DayEvents): BillSpec => ({
  kind,
  tradeType,
  account,
  events,
  ...(kind === 'profitsharing' ? { splits } : {}),
});
const real: DayEvents = { payments, refunds, synthetic: [] };
const seeded: DayEvents = {
  payments: [],
  refunds: [],
  synthetic: [batch('2026-03-04', 3001, 7), batch('2026-03-04', 10, 0)],
};
const mixed: DayEvents = { payments, refunds, synthetic: [batch('2026-12-31', 12_345, 10)] };
const noRefunds: DayEvents = { payments: [], refunds: [], synthetic: [batch('2027-01-01', 2500, 0)] };

/** [name, spec, SHA1 of the uncompressed file]: pinned from the string generator (see the top of the file). */
const PINNED: Array<[string, BillSpec, string]> = [
  ['trade ALL real', spec('trade', 'ALL', 'BASIC', real), '5e637b9dad132d5abba239a7aa9ed47b3c5e4ae9'],
  ['trade SUCCESS real', spec('trade', 'SUCCESS', 'BASIC', real), '58518801d7a437155d50c28983292971a749ee2f'],
  ['trade REFUND real', spec('trade', 'REFUND', 'BASIC', real), '6172ada953702ae2d84c51fa76b84b5891d42dca'],
  ['trade ALL seeded', spec('trade', 'ALL', 'BASIC', seeded), 'ac2f3c437a284f3ff5218278189589401a671853'],
  ['trade SUCCESS seeded', spec('trade', 'SUCCESS', 'BASIC', seeded), '3c1971a579fe0cd0f8bdbd8a444511c26511ddd3'],
  ['trade REFUND seeded', spec('trade', 'REFUND', 'BASIC', seeded), '3d723eb50d0aad114263d987bbfd75aa10ff13e8'],
  ['trade ALL mixed', spec('trade', 'ALL', 'BASIC', mixed), 'f70b720161d137fa1407632e380bb8025c14c978'],
  ['trade SUCCESS mixed', spec('trade', 'SUCCESS', 'BASIC', mixed), '56a7193113ab06d81e8dd756b2bbe7821da5ae5f'],
  ['trade REFUND mixed', spec('trade', 'REFUND', 'BASIC', mixed), '830773218a14cd6bee2273cb9008e22816c35b3b'],
  ['trade ALL no refunds', spec('trade', 'ALL', 'BASIC', noRefunds), 'e273898da90d2c95859db0b0779590bc5b2ccdec'],
  ['fundflow BASIC real', spec('fundflow', 'ALL', 'BASIC', real), '7ebf8810948fa5296d67fdc1c65b0f3ef08f2b86'],
  ['fundflow BASIC mixed', spec('fundflow', 'ALL', 'BASIC', mixed), '4e9f6d06e85094d481afe9e4c6757a706895d6d9'],
  ['fundflow OPERATION', spec('fundflow', 'ALL', 'OPERATION', mixed), 'abd4beb1b60f5a0bc523960088e055bdb255774d'],
  ['profitsharing', spec('profitsharing', 'ALL', 'BASIC', real), '254036f56bc64d1d1ac863cffdd0e2d67b7aa007'],
];

const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex');

async function drain(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    s,
    new Writable({
      write(c: Buffer, _e, done) {
        parts.push(c);
        done();
      },
    }),
  );
  return Buffer.concat(parts);
}

describe('sandbox bill bytes (issue 19)', () => {
  it.each(PINNED)('%s: billSha1 and both download forms give the pinned bytes', async (_name, s, pinned) => {
    expect(billSha1(s)).toBe(pinned);
    const text = await drain(billStream(s, { gzip: false }));
    expect(sha1(text)).toBe(pinned);
    expect(sha1(gunzipSync(await drain(billStream(s, { gzip: true }))))).toBe(pinned);
  });

  const totals = (): Totals => ({
    n: 0,
    settle: 0,
    refund: 0,
    fee: 0,
    order: 0,
    applied: 0,
    inN: 0,
    inFen: 0,
    outN: 0,
    outFen: 0,
  });
  const batchArb = fc.record({
    date: fc
      .integer({ min: 0, max: 20 * 365 })
      .map((d) => new Date(Date.UTC(2015, 0, 1 + d)).toISOString().slice(0, 10)),
    count: fc.integer({ min: 1, max: 10_000_000 }),
    refundEvery: fc.integer({ min: 0, max: 12 }),
    // The merchant's own ids, with the characters that need quoting mixed in.
    mchid: fc.string({ unit: fc.constantFrom('1', '9', ',', '"', '\n', '商'), minLength: 1, maxLength: 12 }),
    appid: fc.string({ unit: fc.constantFrom('w', 'x', '7', ',', '"', '\r'), minLength: 1, maxLength: 20 }),
  });
  const typeArb = fc.constantFrom<TradeBillType>('ALL', 'SUCCESS', 'REFUND');
  /** The string path's rows of order i, and its totals. */
  function stringRows(b: SyntheticBatch, type: TradeBillType, i: number, t: Totals): string {
    const e = syntheticEvent(b, i);
    let text = type !== 'REFUND' ? `${tradeRow(type, e.payment, undefined, t)}\r\n` : '';
    if (type !== 'SUCCESS' && e.refund) text += `${tradeRow(type, e.payment, e.refund, t)}\r\n`;
    return text;
  }

  it('a seeded row (any batch up to the 10,000,000-order seed limit, any index, payment or refund) equals the string path', () => {
    const batchAndIndex = batchArb.chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: b.count - 1 })));
    fc.assert(
      fc.property(batchAndIndex, typeArb, ([b, i], type) => {
        const t = totals();
        const expected = stringRows(b, type, i, t);
        const out = new BillBuffer(1 << 16);
        const w = seedRowWriter(b, type);
        const mine = totals();
        for (const refund of [false, true]) {
          if (refund ? type === 'SUCCESS' || !syntheticEvent(b, i).refund : type === 'REFUND') continue;
          expect(out.reserve(w.max)).toBeUndefined();
          w.put(out, i, refund, mine);
        }
        expect(out.buf.subarray(0, out.pos).toString('utf8')).toBe(expected);
        expect(mine).toEqual(t);
      }),
      { numRuns: 1000 },
    );
  });

  it('a whole seeded batch, in small chunks, equals the string path row for row', () => {
    fc.assert(
      fc.property(batchArb, typeArb, fc.integer({ min: 1, max: 400 }), (b0, type, count) => {
        const b = { ...b0, count };
        const t = totals();
        let expected = '';
        for (let i = 0; i < count; i++) expected += stringRows(b, type, i, t);
        const mine = totals();
        const out = new BillBuffer(1000);
        const chunks = [...seededTradeRows(b, type, mine, out)];
        const last = out.take();
        expect(chunks.every((c) => c.length <= 1000)).toBe(true);
        expect(Buffer.concat(last ? [...chunks, last] : chunks).toString('utf8')).toBe(expected);
        expect(mine).toEqual(t);
      }),
      { numRuns: 100 },
    );
  });

  it('dates from the per-minute cache equal chinaDateTime, in any order, before 1970 too', () => {
    const near = fc.integer({ min: -200_000, max: 200_000 });
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 4e12 }),
        fc.array(near, { minLength: 1, maxLength: 40 }),
        (base, steps) => {
          const out = new BillBuffer(4096);
          const times = steps.map((d, k) => base + d * (k % 3 === 0 ? 1 : 17));
          for (const ms of times) out.pos = out.dateTime(out.pos, ms);
          expect(out.buf.subarray(0, out.pos).toString('latin1')).toBe(times.map(chinaDateTime).join(''));
          // The fund-flow bill's own per-minute cache (fund-bill.ts), over the same times.
          const fundDateTime = minuteCachedDateTime();
          expect(times.map((ms) => fundDateTime(ms))).toEqual(times.map(chinaDateTime));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gzip: a failing generator fails the stream, and a reader that goes away stops the generator', async () => {
    const pool = new ChunkPool(1024);
    const failing = (function* () {
      yield Buffer.from('row\r\n');
      throw new Error('generator broke');
    })();
    await expect(drain(gzipChunks(failing, pool))).rejects.toThrow('generator broke');
    let pulled = 0;
    const endless = (function* () {
      for (;;) {
        pulled++;
        yield randomBytes(1024);
      }
    })();
    const gz = gzipChunks(endless, pool);
    await once(gz, 'data');
    gz.destroy();
    await once(gz, 'close');
    const after = pulled;
    // One more turn of the event loop for any write callback still queued: none may pull another chunk.
    await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBe(after);
  });

  it('the chunks are whole rows of UTF-8 text', () => {
    for (const c of billChunks(PINNED[6]![1])) {
      const b = Buffer.from(c);
      expect(b.subarray(-2).toString('latin1')).toBe('\r\n');
      expect(Buffer.from(b.toString('utf8')).equals(b)).toBe(true);
    }
  });

  it('the bill-hash fault changes exactly one digit of the first detail row', async () => {
    for (const [, s] of [PINNED[0]!, PINNED[3]!, PINNED[10]!]) {
      const good = await drain(billStream(s, { gzip: false }));
      const bad = await drain(billStream(s, { gzip: false, corrupt: true }));
      expect(bad.length).toBe(good.length);
      const diff: number[] = [];
      for (let i = 0; i < good.length; i++) if (good[i] !== bad[i]) diff.push(i);
      expect(diff).toHaveLength(1);
      const at = diff[0]!;
      expect(at).toBeGreaterThan(good.indexOf('\n'));
      expect(at).toBeLessThan(good.indexOf('\n', good.indexOf('\n') + 1));
      expect(bad[at]).toBe(48 + ((good[at]! - 48 + 1) % 10));
      expect(sha1(gunzipSync(await drain(billStream(s, { gzip: true, corrupt: true }))))).toBe(sha1(bad));
    }
  });
});
