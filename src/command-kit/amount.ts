// Amounts on the command line: integer fen (分), as the API takes them. "0.01" is refused with a hint, since
// reading it as fen or as yuan silently would be a 100× mistake; --yuan switches to an exact yuan parser.
import { fenToYuan } from '../bills/amount.js';
import { WxpayError } from '../protocol/errors.js';

/** Exact string arithmetic: "12.3" yuan -> 1230 fen, never via floating point. */
export function parseYuan(value: string, name: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) {
    throw new WxpayError('USAGE', `${name} "${value}" is not a yuan amount`, {
      hint: `With --yuan give at most two decimals, e.g. ${name} 12.30.`,
    });
  }
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return positive(fen, name, value);
}

export function parseFen(value: unknown, name: string, yuan = false): number {
  if (value === undefined || value === '')
    throw new WxpayError('USAGE', `${name} is required`, {
      hint: `Give ${name} in integer fen (分), e.g. ${name} 100 for 1.00 yuan.`,
    });
  const s = String(value).trim();
  if (yuan) return parseYuan(s, name);
  if (/^\d*\.\d*$/.test(s)) {
    throw new WxpayError('USAGE', `${name} ${s}: amounts are integer fen (分), not yuan`, {
      hint: `1 yuan = 100 fen. Did you mean ${name} ${/^\d+(\.\d{1,2})?$/.test(s) ? parseYuan(s, name) : '<fen>'}? Or add --yuan to give the amount in yuan.`,
    });
  }
  if (!/^\d+$/.test(s))
    throw new WxpayError('USAGE', `${name} "${s}" is not a whole number of fen`, {
      hint: `Give digits only, e.g. ${name} 100.`,
    });
  return positive(Number(s), name, s);
}

function positive(fen: number, name: string, raw: string): number {
  if (fen <= 0 || !Number.isSafeInteger(fen))
    throw new WxpayError('USAGE', `${name} ${raw} must be at least 1 fen`, {
      hint: 'WeChat Pay rejects zero amounts.',
    });
  return fen;
}

/** "1.00" for 100 fen (core's exact BigInt conversion). */
export const formatYuan = (fen: number): string => fenToYuan(fen);
