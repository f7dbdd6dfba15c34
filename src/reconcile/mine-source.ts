// The merchant's own records (--orders), CSV with a header line or NDJSON, as reconcile records. Read in chunks;
// a row without an out_trade_no is skipped, an unreadable amount is a usage error naming the line.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { lineLimiter } from './line-limit.js';
import { mineFen, mineState, parseMineMap, type MineMap } from './mine-map.js';
import type { MineRec } from './records.js';

/** RFC 4180 fields of one line: quotes around a field, "" inside one. (A quoted line break is not supported.) */
export function csvFields(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quoted && c === '"' && line.charAt(i + 1) === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

async function* lines(file: string): AsyncGenerator<string> {
  const limit = lineLimiter(`--orders ${path.basename(file)}`);
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    limit(chunk as string);
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
  }
  if (rest) yield rest;
}

const pick = (row: Record<string, unknown>, column: string): string | undefined => {
  let v: unknown = row;
  for (const part of column.split('.'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
};

function recOf(
  map: MineMap,
  get: (c: string) => string | undefined,
  line: number,
): { key: string; rec: MineRec } | undefined {
  const key = get(map.outTradeNo)?.trim();
  if (!key) return undefined;
  const amount = map.amount ? get(map.amount.column) : undefined;
  const state = map.state ? get(map.state) : undefined;
  return {
    key,
    rec: {
      type: 'M',
      line,
      ...(map.amount && amount !== undefined && amount.trim() !== ''
        ? { fen: mineFen(amount, map.amount.unit, line) }
        : {}),
      ...(state !== undefined && state.trim() !== '' ? { state: mineState(state) } : {}),
    },
  };
}

const isNdjson = (file: string) => /\.(nd)?jsonl?$/i.test(file);

/** Calls `emit` for each of the merchant's rows; returns the row count. */
export async function readMine(
  file: string,
  mapSpec: string | undefined,
  emit: (key: string, rec: MineRec) => void,
): Promise<number> {
  let map: MineMap | undefined = isNdjson(file) ? parseMineMap(mapSpec, () => true) : undefined;
  let header: Map<string, number> | undefined;
  let lineNo = 0;
  let rows = 0;
  for await (const raw of lines(file)) {
    const line = ++lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    let got;
    if (isNdjson(file)) {
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new WxpayError('USAGE', `--orders line ${lineNo} is not JSON`, {
          hint: 'An .ndjson file holds one JSON object per line.',
        });
      }
      got = recOf(map!, (c) => pick(row, c), lineNo);
    } else if (!header) {
      header = new Map(csvFields(line).map((c, i) => [c.trim(), i]));
      map = parseMineMap(mapSpec, (c) => header!.has(c));
      for (const c of [map.outTradeNo, map.amount?.column, map.state].filter((c) => c !== undefined))
        if (!header.has(c))
          throw new WxpayError(
            'USAGE',
            `--orders has no column "${c}" (its header: ${[...header.keys()].join(',').slice(0, 200)})`,
            {
              hint: 'Name the columns with --map out_trade_no=<column>,amount=<column>,state=<column>.',
            },
          );
      continue;
    } else {
      const fields = csvFields(line);
      got = recOf(map!, (c) => fields[header!.get(c)!], lineNo);
    }
    if (got) {
      rows++;
      emit(got.key, got.rec);
    }
  }
  return rows;
}
