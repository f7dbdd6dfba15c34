// Issue 12 "Terminal-safe output". Regression: a non-2xx body is unsigned, yet its `message` was printed raw, and a
// clear-screen code, a fake "refund succeeded" line and a window-title change all reached the terminal. Every
// string printed as human output is neutralised in the one place it is written (render.ts Output, report-error.ts);
// JSON output stays exact JSON.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WxpayError } from '../../src/protocol/errors.js';
import { makeOutput, terminalSafe } from '../../src/render.js';
import { reportError } from '../../src/report-error.js';
import type { Runtime } from '../../src/runtime.js';

const HOSTILE = '\x1b[2J\x1b[H\x1b]0;pwned\x07\r✔ refund succeeded\x9b31m\u202eevil';

function runtime(tty: boolean): { rt: Runtime; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    Object.assign(new PassThrough(), { isTTY: tty, write: (c: string) => (add(String(c)), true) });
  const rt = {
    env: tty ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' },
    cwd: '/',
    stdin: new PassThrough(),
    now: () => 0,
    onSignal: () => () => undefined,
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
  } as unknown as Runtime;
  return { rt, out: () => out, err: () => err };
}

describe('terminalSafe', () => {
  it('shows control characters and escape sequences instead of obeying them; keeps LF and TAB', () => {
    expect(terminalSafe(HOSTILE)).toBe('\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\r✔ refund succeeded\\x9b31m\\u202eevil');
    expect(terminalSafe('a\tb\nc\x00d\x7f')).toBe('a\tb\nc\\x00d\\x7f');
  });

  it('single-line fields also show LF, so a server message cannot start a line of its own', () => {
    expect(terminalSafe('bad\n✔ refund succeeded', { singleLine: true })).toBe('bad\\n✔ refund succeeded');
  });

  it("with colour on, colour codes stay (wxpay's own); every other sequence, and concealed text, is shown", () => {
    expect(terminalSafe('\x1b[31mred\x1b[39m \x1b[1;32mok\x1b[22;39m', { keepColor: true })).toBe(
      '\x1b[31mred\x1b[39m \x1b[1;32mok\x1b[22;39m',
    );
    expect(terminalSafe('\x1b[8mhidden\x1b[2J', { keepColor: true })).toBe('\\x1b[8mhidden\\x1b[2J');
    expect(terminalSafe('\x1b[31mred', { keepColor: false })).toBe('\\x1b[31mred');
  });

  it('leaves ordinary text, CJK and emoji alone', () => {
    expect(terminalSafe('订单不存在 ✔ 100 fen → 1.00 CNY')).toBe('订单不存在 ✔ 100 fen → 1.00 CNY');
  });
});

describe('Output', () => {
  it.each([false, true])('line, note, warn and table neutralise what they print (colour %s)', (tty) => {
    const { rt, out, err } = runtime(tty);
    const o = makeOutput(rt, {});
    o.line(HOSTILE);
    o.table([['message', HOSTILE]]);
    o.note(HOSTILE);
    o.warn(HOSTILE);
    for (const text of [out(), err()]) {
      expect(text).not.toMatch(/\x1b\[2J|\x1b\]|\x07|\r|\x9b|\u202e/);
      expect(text).toContain('\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\r✔ refund succeeded');
    }
    if (tty) expect(out()).toMatch(/\x1b\[2mmessage/); // the table's own dim key is still coloured
  });

  it('JSON output stays exact JSON', () => {
    const { rt, out } = runtime(false);
    const o = makeOutput(rt, { json: true });
    o.data({ message: HOSTILE });
    o.event({ message: HOSTILE });
    const [doc, event] = [
      JSON.parse(out().slice(0, out().lastIndexOf('\n{'))),
      JSON.parse(out().slice(out().lastIndexOf('\n{') + 1)),
    ];
    expect(doc.message).toBe(HOSTILE);
    expect(event.message).toBe(HOSTILE);
  });
});

describe('reportError', () => {
  const hostile = new WxpayError('WECHATPAY_ERROR', 'WeChat Pay rejected the request (HTTP 400 PARAM_ERROR)', {
    hint: 'h',
    requestId: 'REQ\x1b[2J',
    wechatpay: {
      status: 400,
      code: 'PARAM\x1b]0;t\x07',
      message: `${HOSTILE}\n✔ refund R1 succeeded`,
      detail: { field: HOSTILE },
    },
  });

  it("the human report shows the server's message and code neutralised, on the line they belong to", () => {
    const { rt, err } = runtime(true);
    expect(reportError(hostile, rt, false, false)).toBe(5);
    expect(err()).not.toMatch(/\x1b\[2J|\x1b\]|\x07|\r|\x9b|\u202e/);
    expect(err()).toContain(
      'PARAM\\x1b]0;t\\x07: \\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\r✔ refund succeeded\\x9b31m\\u202eevil\\n✔ refund R1 succeeded',
    );
    expect(
      err()
        .split('\n')
        .filter((l) => l.startsWith('✔')),
    ).toEqual([]);
  });

  it("--json: the error is exact JSON, the server's text unchanged", () => {
    const { rt, err } = runtime(false);
    reportError(hostile, rt, true, false);
    expect(JSON.parse(err()).error.wechatpay.message).toBe(`${HOSTILE}\n✔ refund R1 succeeded`);
  });
});
