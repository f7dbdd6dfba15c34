// docs/protocol.md §5 "Bill file layout": one line of a bill split into its fields (see parse.ts for the layout):
// CSV quotes removed, the backtick every detail and summary field starts with stripped, fund-bill escapes undone.
import type { BillKind } from './layout.js';

const stripTick = (v: string): string => (v.charCodeAt(0) === 96 ? v.slice(1) : v);
const unescapeFund = (v: string): string => (v.includes('\\') ? v.replace(/\\r/g, '\r').replace(/\\n/g, '\n') : v);

/**
 * Splits one line into raw fields (quotes removed, backticks kept); undefined while a quote is still open.
 * In a detail or summary line (it starts with a backtick, or a quote then a backtick) every field starts with
 * a backtick, so an unquoted field ends only at a comma that starts another field: a bare comma, as in a JSON
 * attach or an unquoted product name, stays inside its value.
 */
export function splitFields(line: string): string[] | undefined {
  const ticked = line.charCodeAt(0) === 96 || (line.charCodeAt(0) === 34 && line.charCodeAt(1) === 96);
  if (!line.includes('"'))
    return ticked
      ? line
          .slice(1)
          .split(',`')
          .map((v) => `\`${v}`)
      : line.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '`' && line[i + 1] === '"') {
      field = '`';
      i++;
    }
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      field += line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = ticked ? nextFieldStart(line, i) : line.indexOf(',', i);
      field += line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
    out.push(field);
    if (i > line.length) return out;
  }
}

/** In a backticked line, the comma that starts the next field: one followed by ` or by "` (a quoted field). */
function nextFieldStart(line: string, from: number): number {
  for (let c = line.indexOf(',', from); c >= 0; c = line.indexOf(',', c + 1)) {
    const next = line.charCodeAt(c + 1);
    if (next === 96 || (next === 34 && line.charCodeAt(c + 2) === 96)) return c;
  }
  return -1;
}

/** Fields of a detail or summary line: backticks stripped, fund-bill escapes undone. */
export function parseBillLine(line: string, kind?: BillKind): string[] | undefined {
  // Fast path for the common line without quotes: the separator is ",`" (see splitFields).
  const raw =
    line.charCodeAt(0) === 96 && !line.includes('"') ? line.slice(1).split(',`') : splitFields(line)?.map(stripTick);
  if (!raw) return undefined;
  return kind === 'fundflow' ? raw.map(unescapeFund) : raw;
}
