// Bills (docs/protocol.md §5): apply for a trade or fund-flow bill of a China-time day, then download it from a
// short-lived download_url whose answer is the file itself, unsigned, optionally gzip; hash_value is the SHA1
// of the uncompressed file. Timing as WeChat Pay's (docs/protocol.md §5 "Bills", §11 "Time rules"): day D's bill
// is served from 10:00 on D+1, for 3 months; until then (today included) the apply answers 400 STATEMENT_CREATING
// "账单生成中", which the bill FAQ tells merchants to retry after 10:00 the next day, every half hour, until the bill
// or NO_STATEMENT_EXIST "请求的账单文件不存在" (a day without rows, or older than 3 months). The bill calendar is the
// sandbox's clock moved by `sandbox serve --clock`. Faults: `bill-creating` (STATEMENT_CREATING) and `bill-hash`
// (the download no longer matches hash_value).
// Admin: POST /sandbox/bills/seed {date, count, refundEvery?} adds synthetic orders for load tests.
import { randomBytes } from 'node:crypto';
import { billReadyAt, oldestKeptDay } from '../../bills/dates.js';
import { FUND_ACCOUNT_TYPES, type BillKind, type FundAccountType, type TradeBillType } from '../../bills/layout.js';
import { SandboxApiError, paramError } from '../api-error.js';
import { enumError, requiredError } from '../param-rules.js';
import { dayEvents, type DayEvents, type SyntheticBatch } from '../bill-source.js';
import { chinaDate } from '../../protocol/china-time.js';
import { billHasRows, billSha1, billStream, type BillSpec } from '../bills.js';
import type { SandboxContext } from '../context.js';
import { splitBillRows } from '../profitsharing-bill.js';
import type { RouteDef, RouteRequest } from '../router.js';
import { parseBody } from '../validate.js';
import { ENDPOINTS } from '../../protocol/endpoints.js';

/** download_url lifetime: the newer doc page says 5 minutes (the older one 30 s). */
export const DOWNLOAD_TTL_MS = 5 * 60_000;
const MAX_SEED = 10_000_000;

interface Issued {
  spec: BillSpec;
  gzip: boolean;
  mchid: string;
  expires: number;
}
interface BillStore {
  seeded: SyntheticBatch[];
  tokens: Map<string, Issued>;
  hashes: Map<string, string>;
}

// Per sandbox instance, without widening SandboxContext: the store lives and dies with its context.
const stores = new WeakMap<SandboxContext, BillStore>();
const storeOf = (ctx: SandboxContext): BillStore => {
  let s = stores.get(ctx);
  if (!s) stores.set(ctx, (s = { seeded: [], tokens: new Map(), hashes: new Map() }));
  return s;
};

const NO_EVENTS: DayEvents = { payments: [], refunds: [], synthetic: [] };
const noStatement = () => new SandboxApiError(400, 'NO_STATEMENT_EXIST', '请求的账单文件不存在');
/**
 * bill_type values the apply accepts (the trade-bill pages and the endpoint catalogue) and the layout each is served
 * in: the *_SPECIAL (个性化账单) bills as their plain counterparts, RECHARGE_REFUND as REFUND. The sandbox has no
 * recharge refunds, so that bill never has rows (NO_STATEMENT_EXIST once it is due).
 */
const APPLY_BILL_TYPES: Record<string, TradeBillType> = {
  ALL: 'ALL',
  SUCCESS: 'SUCCESS',
  REFUND: 'REFUND',
  RECHARGE_REFUND: 'REFUND',
  ALL_SPECIAL: 'ALL',
  SUC_SPECIAL: 'SUCCESS',
  REF_SPECIAL: 'REFUND',
};
const creating = () => new SandboxApiError(400, 'STATEMENT_CREATING', '账单生成中');

/** The bill calendar's now: the sandbox's time moved by --clock. */
const billNow = (ctx: SandboxContext): number => ctx.now() + ctx.billClockOffsetMs;

function billDate(ctx: SandboxContext, value: string | null, location: 'query' | 'body' = 'query'): string {
  if (value === null) throw requiredError('/query/bill_date', '账单日期', location);
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!ok) throw paramError('账单日期格式不正确，应为YYYY-MM-DD', location, value);
  const today = chinaDate(billNow(ctx));
  if (value > today) throw paramError('账单日期不能晚于今天', location, value);
  return value;
}

export function applyForBill(req: RouteRequest, ctx: SandboxContext, kind: BillKind) {
  const date = billDate(ctx, req.query.get('bill_date'));
  const type = req.query.get('bill_type') ?? 'ALL';
  const account = (req.query.get('account_type') ?? 'BASIC') as FundAccountType;
  const tar = req.query.get('tar_type');
  const layout = APPLY_BILL_TYPES[type];
  if (kind === 'trade' && !layout)
    throw enumError('/query/bill_type', '账单类型', Object.keys(APPLY_BILL_TYPES), type, 'query');
  if (kind === 'fundflow' && !FUND_ACCOUNT_TYPES.includes(account))
    throw enumError('/query/account_type', '资金账户类型', FUND_ACCOUNT_TYPES, account, 'query');
  if (tar !== null && tar !== 'GZIP') throw enumError('/query/tar_type', '压缩类型', ['GZIP'], tar, 'query');
  const now = billNow(ctx);
  if (date < oldestKeptDay(now)) throw noStatement();
  if (now < billReadyAt(date)) throw creating();
  if (ctx.faults.fire('responses', req.path, new Set(['bill-creating'])).length) throw creating();
  const store = storeOf(ctx);
  const sub = req.query.get('sub_mchid') ?? undefined;
  const spec: BillSpec = {
    kind,
    tradeType: layout ?? 'ALL',
    account,
    events: type === 'RECHARGE_REFUND' ? NO_EVENTS : dayEvents(ctx, date, req.auth!.mchid, sub, store.seeded),
    ...(kind === 'profitsharing' ? { splits: splitBillRows(ctx, date, req.auth!.mchid, sub) } : {}),
  };
  if (!billHasRows(spec)) throw noStatement();
  const issuedAt = ctx.now();
  for (const [t, v] of store.tokens) if (v.expires <= issuedAt) store.tokens.delete(t);
  const token = randomBytes(16).toString('hex');
  const gzip = tar === 'GZIP';
  store.tokens.set(token, { spec, gzip, mchid: req.auth!.mchid, expires: issuedAt + DOWNLOAD_TTL_MS });
  const host = req.headers.host ?? '127.0.0.1';
  return {
    status: 200,
    body: {
      hash_type: 'SHA1',
      hash_value: hashOf(store, spec),
      download_url: `http://${host}${ENDPOINTS.billDownload}?token=${token}${gzip ? '&tartype=gzip' : ''}`,
    },
  };
}

/**
 * SHA1 of a bill, remembered per content: the spec (real events and seeded batches, all small) fully determines
 * the bytes, and re-hashing a seeded million-row bill on every apply would cost seconds.
 */
function hashOf(store: BillStore, spec: BillSpec): string {
  const key = JSON.stringify(spec);
  let hash = store.hashes.get(key);
  if (hash === undefined) {
    if (store.hashes.size >= 64) store.hashes.clear();
    hash = billSha1(spec);
    store.hashes.set(key, hash);
  }
  return hash;
}

function seed(req: RouteRequest, ctx: SandboxContext): { status: number; body: unknown } {
  const b = parseBody(req.rawBody) as Record<string, unknown>;
  const date = billDate(ctx, typeof b.date === 'string' ? b.date : null, 'body');
  const count = b.count;
  const refundEvery = b.refundEvery ?? 10;
  if (!Number.isSafeInteger(count) || (count as number) < 0 || (count as number) > MAX_SEED)
    throw paramError(`count must be a whole number up to ${MAX_SEED}`);
  if (!Number.isSafeInteger(refundEvery) || (refundEvery as number) < 0)
    throw paramError('refundEvery must be a whole number (0 = no refunds)');
  const batch: SyntheticBatch = {
    date,
    count: count as number,
    refundEvery: refundEvery as number,
    mchid: ctx.keys.mchid,
    appid: ctx.keys.appid,
  };
  storeOf(ctx).seeded.push(batch);
  return { status: 200, body: { seeded: storeOf(ctx).seeded } };
}

export const billRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: ENDPOINTS.tradeBill,
    auth: 'wechatpay',
    handle: (req, ctx) => applyForBill(req, ctx, 'trade'),
  },
  {
    method: 'GET',
    path: ENDPOINTS.fundflowBill,
    auth: 'wechatpay',
    handle: (req, ctx) => applyForBill(req, ctx, 'fundflow'),
  },
  {
    method: 'GET',
    path: ENDPOINTS.billDownload,
    auth: 'wechatpay',
    unsignedResponse: true,
    handle: (req, ctx) => {
      const issued = storeOf(ctx).tokens.get(req.query.get('token') ?? '');
      if (!issued || issued.expires <= ctx.now()) throw paramError('下载链接已失效，请重新申请账单', 'query');
      if (issued.mchid !== req.auth!.mchid) throw new SandboxApiError(403, 'NO_AUTH', '无权下载该账单');
      const corrupt = ctx.faults.fire('responses', req.path, new Set(['bill-hash'])).length > 0;
      return {
        status: 200,
        stream: billStream(issued.spec, { gzip: issued.gzip, corrupt }),
        // The endpoint catalogue (TheNorthMemory/wechatpay-openapi docs/v3/billdownload/file.yaml) lists only
        // these two; a peer SDK's downloader buffers only them.
        contentType: issued.gzip ? 'application/x-gzip' : 'text/plain',
      };
    },
  },
  { method: 'POST', path: '/sandbox/bills/seed', auth: 'admin', handle: seed },
  {
    method: 'DELETE',
    path: '/sandbox/bills/seed',
    auth: 'admin',
    handle: (_req, ctx) => {
      storeOf(ctx).seeded.length = 0;
      return { status: 200, body: { seeded: [] } };
    },
  },
];
