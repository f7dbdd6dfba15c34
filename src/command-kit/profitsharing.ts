// What the profit-sharing commands share: reading `--receiver TYPE:ACCOUNT:FEN[:DESCRIPTION]`, the encryption key
// for a receiver name (also under --dry-run, where nothing may be fetched), and the tables of a split and a return.
import { RECEIVER_TYPES, type ReceiverType, type SplitOrder, type SplitReceiver } from '../api/profitsharing.js';
import type { ReceiverInput, SplitReturn } from '../api/profitsharing-receivers.js';
import { encryptionKeyFor, type EncryptionKey } from '../api/sensitive.js';
import { queryOrder } from '../api/transactions.js';
import type { WxpayClient } from '../http/client.js';
import { WxpayError } from '../protocol/errors.js';
import type { ReceiversDeleteOptions } from '../cli/profitsharing.js';
import { chooseEncryptionKey } from '../protocol/sensitive.js';
import { formatYuan, parseFen } from './amount.js';

export const usage = (message: string, hint: string): WxpayError => new WxpayError('USAGE', message, { hint });

export function receiverType(value: string | undefined, flag: string): ReceiverType {
  const t = (value ?? '').toUpperCase() as ReceiverType;
  if (!RECEIVER_TYPES.includes(t))
    throw usage(`${flag} must be one of ${RECEIVER_TYPES.join(', ')}`, `e.g. ${flag} MERCHANT_ID`);
  return t;
}

/** `MERCHANT_ID:1900000109:30:分给门店`; the description may itself hold colons. */
export function parseReceiver(spec: string, defaultDescription: string | undefined, yuan = false): SplitReceiver {
  const [type, account, amount, ...rest] = spec.split(':');
  if (!account || amount === undefined)
    throw usage(
      `--receiver "${spec}" is not TYPE:ACCOUNT:AMOUNT[:DESCRIPTION]`,
      'e.g. --receiver MERCHANT_ID:1900000109:30:分给门店',
    );
  const description = rest.length ? rest.join(':') : defaultDescription;
  if (!description)
    throw usage(
      `--receiver "${spec}" has no description`,
      'Add :DESCRIPTION, or give --description for all receivers.',
    );
  return {
    type: receiverType(type, '--receiver'),
    account,
    amount: parseFen(amount, '--receiver amount', yuan),
    description,
  };
}

/** `--receiver-name ACCOUNT=NAME`: the (encrypted) name of one receiver. */
export function withNames(receivers: SplitReceiver[], pairs: string[] = []): SplitReceiver[] {
  const names = new Map<string, string>();
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0)
      throw usage(`--receiver-name "${p}" is not ACCOUNT=NAME`, 'e.g. --receiver-name 1900000109=深圳某某公司');
    names.set(p.slice(0, at), p.slice(at + 1));
  }
  for (const account of names.keys())
    if (!receivers.some((r) => r.account === account))
      throw usage(`--receiver-name ${account}: no such --receiver`, 'Name only accounts you split to.');
  return receivers.map((r) => (names.has(r.account) ? { ...r, name: names.get(r.account)! } : r));
}

/** The key to encrypt sensitive fields (names, bank details) to; under --dry-run only a key on disk (fetching certificates would send a request). */
export async function keyForNames(
  client: WxpayClient,
  needed: boolean,
  dryRun: boolean,
): Promise<EncryptionKey | undefined> {
  if (!needed) return undefined;
  if (!dryRun) return encryptionKeyFor(client);
  const local = chooseEncryptionKey(client.keys());
  if (!local)
    throw usage(
      '--dry-run cannot encrypt a sensitive field: no WeChat Pay key on disk',
      'Configure the WeChat Pay public key, or run `wxpay certs download` first (a dry run sends nothing).',
    );
  return local;
}

/** The receiver named by the flags `receivers add` and `receivers delete` share (add's are a superset). */
export function receiverInputFrom(opts: ReceiversDeleteOptions, appid: string | undefined): ReceiverInput {
  if (!opts.account) throw usage('--account is required', 'A merchant id (MERCHANT_ID) or an openid.');
  if (!appid) throw usage('No AppID: set appid in the profile or give --appid', 'Receivers are added per AppID.');
  return {
    appid,
    type: receiverType(opts.type, '--type'),
    account: opts.account,
    subMchid: opts.subMchid,
    subAppid: opts.subAppid,
  };
}

/** The order to split, by --transaction-id, or by --out-trade-no looked up once (a signed, verified query). */
export async function transactionIdOf(
  client: WxpayClient,
  opts: { transactionId?: string; outTradeNo?: string; subMchid?: string },
): Promise<string> {
  if (Boolean(opts.transactionId) === Boolean(opts.outTradeNo))
    throw usage('Give exactly one of --transaction-id and --out-trade-no', 'The paid order, by either number.');
  if (opts.transactionId) return opts.transactionId;
  const order = await queryOrder(
    client,
    { outTradeNo: opts.outTradeNo! },
    opts.subMchid ? { subMchid: opts.subMchid } : undefined,
  );
  if (!order.transaction_id)
    throw usage(
      `Order ${opts.outTradeNo} is ${order.trade_state}: it has no transaction_id`,
      'Only a paid order can be split.',
    );
  return order.transaction_id;
}

const fen = (n: number) => `${n} fen (${formatYuan(n)} CNY)`;

export function splitRows(s: SplitOrder): Array<[string, string]> {
  return [
    ['state', s.state],
    ['out_order_no', s.out_order_no],
    ['order_id', s.order_id],
    ['transaction_id', s.transaction_id],
    ...(s.receivers ?? []).map((r, i): [string, string] => [
      `receiver ${i + 1}`,
      `${r.type} ${r.account}  ${fen(r.amount)}  ${r.result}${r.fail_reason ? ` (${r.fail_reason})` : ''}  ${r.description}`,
    ]),
  ];
}

export function returnRows(r: SplitReturn): Array<[string, string]> {
  return [
    ['result', `${r.result}${r.fail_reason ? ` (${r.fail_reason})` : ''}`],
    ['out_return_no', r.out_return_no],
    ['return_id', r.return_id],
    ['out_order_no', r.out_order_no],
    ['return_mchid', r.return_mchid],
    ['amount', fen(r.amount)],
    ...(r.finish_time ? ([['finish_time', r.finish_time]] as Array<[string, string]>) : []),
  ];
}
