// The capture format for callbacks (issue 5): one JSON object {method?, path?, headers (lower-case), body (the raw
// body string), receivedAt?}; raw HTTP request text as copied from a proxy log; and journals (NDJSON of captures
// with results added). Parsing only: no I/O, no verification.
import { WxpayError } from '../protocol/errors.js';
import { normalizeHeaders } from '../protocol/headers.js';
import type { Incoming } from './handler.js';

export interface Capture {
  method?: string;
  path?: string;
  headers: Record<string, string>;
  body: string;
  receivedAt?: string;
}

/** A journal line: a capture plus what the listener did with it. */
export type JournalEntry = Capture & {
  id?: string;
  event_type?: string;
  outcome?: string;
  status?: number;
  [k: string]: unknown;
};

/** What the listener keeps of a request it received (the journal's capture, the store's `capture` column). */
export const captureOf = (req: Incoming): Required<Capture> => ({
  method: req.method,
  path: req.path,
  headers: req.headers,
  body: req.rawBody.toString('utf8'),
  receivedAt: req.receivedAt,
});

const bad = (message: string, hint: string) => new WxpayError('USAGE', message, { hint });

export function captureFrom(value: unknown, where = 'capture'): JournalEntry {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw bad(`The ${where} is not a JSON object`, 'Expect {"headers":{...},"body":"<raw body>"}.');
  const v = value as Record<string, unknown>;
  if (typeof v.body !== 'string') {
    throw bad(
      `The ${where} has no "body" string`,
      'Store the raw body as a string, exactly as received; a parsed object cannot be verified.',
    );
  }
  if (!v.headers || typeof v.headers !== 'object' || Array.isArray(v.headers))
    throw bad(`The ${where} has no "headers" object`, 'Expect "headers":{"wechatpay-signature":…}.');
  // Header values arrive as text on the wire; a hand-edited number or object would reach the verifier as a non-string.
  const odd = Object.entries(v.headers).find(
    ([, h]) => typeof h !== 'string' && !(Array.isArray(h) && h.every((x) => typeof x === 'string')),
  );
  if (odd)
    throw bad(
      `The ${where} header "${odd[0].slice(0, 40)}" is not a string`,
      'Store every header value as a string, exactly as received (e.g. "wechatpay-timestamp":"1700000000").',
    );
  return { ...v, headers: normalizeHeaders(v.headers as Record<string, string>), body: v.body };
}

/** A single capture object, or a journal: every non-empty line that parses (a torn last line is skipped). */
export function parseCaptures(text: string, where = 'capture'): JournalEntry[] {
  const trimmed = text.trim();
  if (!trimmed) throw bad(`The ${where} is empty`, 'Pass a capture JSON file or a journal (NDJSON).');
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined; // not one document: read it as NDJSON below
  }
  if (whole !== undefined) return [captureFrom(whole, where)];
  const out: JournalEntry[] = [];
  const lines = trimmed.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // a write torn by a crash; everything before it is whole
      throw bad(`Line ${i + 1} of the ${where} is not JSON`, 'A journal has one JSON capture per line.');
    }
    out.push(captureFrom(parsed, `${where} line ${i + 1}`));
  });
  if (!out.length) throw bad(`The ${where} holds no capture`, 'Pass a capture JSON file or a journal (NDJSON).');
  return out;
}

// A chunk-size line: hexadecimal digits, then optionally a chunk extension (RFC 9112, section 7.1). Only digits:
// parseInt took "-4" as -4, which moved the read position back onto the same line, and the loop then kept a part per
// turn until the heap limit killed the process; a size of at least 1 always moves the position on, so the loop ends.
const CHUNK_SIZE = /^([0-9a-fA-F]+)[ \t]*(?:;.*)?$/;

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf('\n', pos);
    if (eol < 0) break;
    const line = raw.subarray(pos, eol).toString('latin1').trim();
    const digits = CHUNK_SIZE.exec(line)?.[1];
    if (digits === undefined)
      throw bad(
        `The chunked body has a bad chunk size line: "${line.slice(0, 40)}"`,
        'Each chunk starts with its size in hexadecimal on a line of its own: copy the body exactly as received.',
      );
    const size = parseInt(digits, 16);
    if (size === 0) break;
    parts.push(raw.subarray(eol + 1, eol + 1 + size));
    pos = eol + 1 + size;
    while (raw[pos] === 0x0d || raw[pos] === 0x0a) pos++;
  }
  return Buffer.concat(parts);
}

/** Raw HTTP/1.x request text: request line, headers, blank line, body (Content-Length or chunked honoured). */
export function parseHttpRequest(raw: string | Buffer): JournalEntry {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  const [headEnd, sepLen] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
  if (headEnd < 0)
    throw bad(
      'The HTTP request has no blank line between headers and body',
      'Copy the whole request: request line, headers, an empty line, then the body.',
    );
  const lines = buf.subarray(0, headEnd).toString('utf8').split(/\r?\n/);
  const m = /^([A-Z]+)\s+(\S+)\s+HTTP\/\d(?:\.\d)?$/.exec((lines[0] ?? '').trim());
  if (!m)
    throw bad(
      `Not an HTTP request line: "${(lines[0] ?? '').slice(0, 60)}"`,
      'The first line must look like "POST /notify HTTP/1.1".',
    );
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(i + 1).trim();
  }
  let body = buf.subarray(headEnd + sepLen);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (headers['content-length'] && /^\d+$/.test(headers['content-length'])) {
    const len = Number(headers['content-length']);
    // A log copy often gains a trailing newline; Content-Length says where the body really ends.
    if (body.length > len) body = body.subarray(0, len);
  }
  return { method: m[1]!, path: m[2]!, headers, body: body.toString('utf8') };
}
