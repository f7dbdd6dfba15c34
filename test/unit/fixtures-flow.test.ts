// The fixtures engine (src/fixtures/): a flow file is untrusted data. The schema names each problem by its path before
// anything runs, references read only earlier steps, overrides are typed, `matches` refuses patterns that can run
// for ever, YAML runs no code, and the runner stops at an action error (later steps skipped) but goes on after a
// failed expect.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlow } from '../../src/command-kit/fixtures-load.js';
import { applyOverrides, parseOverride } from '../../src/fixtures/overrides.js';
import { runFlow, type Executors } from '../../src/fixtures/runner.js';
import { parseFlow } from '../../src/fixtures/schema.js';
import { hideSealed } from '../../src/fixtures/sealed.js';
import { WxpayError } from '../../src/protocol/errors.js';
import type { Runtime } from '../../src/runtime.js';

const problemsOf = (raw: unknown): string[] => {
  try {
    parseFlow(raw, 'flow.json');
  } catch (e) {
    expect(e).toBeInstanceOf(WxpayError);
    expect((e as WxpayError).code).toBe('FIXTURE_INVALID');
    expect((e as WxpayError).exitCode).toBe(2);
    return (e as WxpayError).details?.problems as string[];
  }
  return [];
};

const order = {
  name: 'order',
  action: 'prepay',
  with: { kind: 'native', out_trade_no: 'O1', amount: 1, description: 'd' },
};

describe('flow schema', () => {
  it('accepts a flow with references to earlier steps, vars and run.id', () => {
    const flow = parseFlow(
      {
        name: 'ok',
        vars: { url: 'http://127.0.0.1:1/' },
        steps: [
          { ...order, with: { ...order.with, out_trade_no: 'O${run.id}', notify_url: '${vars.url}' } },
          { name: 'q', action: 'query', with: { out_trade_no: '${order.out_trade_no}' } },
          { name: 'c', action: 'expect', expect: [{ path: 'q.trade_state', equals: 'SUCCESS' }] },
        ],
      },
      'ok.json',
    );
    expect(flow.steps.map((s) => s.action)).toEqual(['prepay', 'query', 'expect']);
  });

  it('names every problem by its path (regression: flow-errors-by-path)', () => {
    expect(
      problemsOf({
        name: 'bad',
        steps: [
          { ...order, with: { ...order.with, amount: '1', kind: 'wap', colour: 'red' } },
          { name: 'q', action: 'query', with: { out_trade_no: '${later.out_trade_no}' } },
          { name: 'later', action: 'nope' },
          { name: 'x', action: 'expect', expect: [{ path: 'q.trade_state' }, { path: 'q', equals: 1 }] },
        ],
      }),
    ).toEqual([
      'steps[0].with.colour: unknown key (known: kind, out_trade_no, amount, description, notify_url, appid, openid, payer_ip, attach, profit_sharing)',
      'steps[0].with.kind: must be one of jsapi, app, h5, native, got "wap"',
      'steps[0].with.amount: must be a whole number ≥ 0, got string',
      'steps[1].with.out_trade_no: "later" is not an earlier step (a reference reads only steps that ran before it)',
      'steps[2].action: must be one of prepay, pay, query, close, refund, refund_query, refund_settle, abnormal_refund, transfer, transfer_query, transfer_confirm, trigger, wait, expect',
      'steps[3].expect[0]: give exactly one of equals, exists, matches',
      'steps[3].expect[1].path: "q" needs a step name and a field, e.g. order.out_trade_no',
    ]);
  });

  it('refuses duplicate and reserved step names, a missing required input, an unknown var', () => {
    expect(
      problemsOf({
        name: 'n',
        steps: [
          order,
          { ...order },
          { name: 'vars', action: 'query', with: {} },
          { name: 'q2', action: 'query', with: { out_trade_no: '${vars.nope}' } },
        ],
      }),
    ).toEqual([
      'steps[1].name: "order" is used by an earlier step',
      'steps[2].name: "vars" is reserved',
      'steps[2].with.out_trade_no: required by query',
      'steps[3].with.out_trade_no: no var named "nope" in vars',
    ]);
  });

  it('refuses regular expressions that can backtrack for ever, and backreferences (regression: matches-redos)', () => {
    const expectOf = (matches: string) => ({
      name: 'r',
      steps: [order, { name: 'e', action: 'expect', expect: [{ path: 'order.x', matches }] }],
    });
    expect(problemsOf(expectOf('(a+)+$'))[0]).toMatch(/^steps\[1\]\.expect\[0\]\.matches: a repeated group/);
    expect(problemsOf(expectOf('(a|aa)*b'))[0]).toMatch(/a repeated group/);
    expect(problemsOf(expectOf('(x)\\1'))[0]).toMatch(/backreferences/);
    expect(problemsOf(expectOf('['))[0]).toMatch(/not a valid regular expression/);
    expect(problemsOf(expectOf('\\d*\\d*\\d*\\d*x'))[0]).toMatch(/more than 3 unbounded repeats/);
    expect(problemsOf(expectOf('^42\\d{26}$'))).toEqual([]);
    expect(problemsOf(expectOf('^a\\*b\\+c\\+d\\+e+$'))).toEqual([]); // escaped * and + are characters
  });

  it('bounds sizes: steps, strings and lists', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ ...order, name: `s${i}` }));
    expect(problemsOf({ name: 'big', steps: many })).toEqual(['steps: more than 100 steps']);
    const long = { ...order, with: { ...order.with, description: 'x'.repeat(4097) } };
    expect(problemsOf({ name: 'l', steps: [long] })).toEqual([
      'steps[0].with.description: longer than 4096 characters',
    ]);
  });

  it('treats __proto__ as an unknown key, not as a prototype (regression: flow-proto-key)', () => {
    const raw = JSON.parse(
      `{"name":"p","steps":[{"name":"o","action":"query","with":{"out_trade_no":"A1","__proto__":{"x":1}}}]}`,
    );
    expect(problemsOf(raw)).toEqual(['steps[0].with.__proto__: unknown key (known: out_trade_no)']);
  });
});

describe('overrides', () => {
  it('sets a typed input or a var before the schema check', () => {
    const raw = { name: 'o', vars: { url: 'a' }, steps: [structuredClone(order)] };
    applyOverrides(raw, ['order.amount=250', 'vars.url=http://x/', 'order.profit_sharing=true'].map(parseOverride));
    const flow = parseFlow(raw, 'o.json');
    expect(flow.steps[0]?.with).toMatchObject({ amount: 250, profit_sharing: true });
    expect(flow.vars.url).toBe('http://x/');
  });

  it('refuses an unknown step, an unknown input and a wrong type, naming the override', () => {
    const raw = () => ({ name: 'o', steps: [structuredClone(order)] });
    expect(() => applyOverrides(raw(), [parseOverride('nope.amount=1')])).toThrow(/no step named "nope"/);
    expect(() => applyOverrides(raw(), [parseOverride('order.colour=red')])).toThrow(/prepay has no input "colour"/);
    expect(() => applyOverrides(raw(), [parseOverride('order.amount=ten')])).toThrow(/order\.amount: must be a whole/);
    expect(() => parseOverride('order=1')).toThrow(/is not step\.field=value/);
  });
});

describe('loading a flow file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-flow-'));
  const rt = { cwd: dir, env: {} } as unknown as Runtime;
  const file = (name: string, text: string) => (writeFileSync(path.join(dir, name), text), name);

  it('reads YAML with the safe loader: a JavaScript tag is refused, not run (regression: flow-yaml-no-code)', async () => {
    const f = file('evil.yaml', 'name: !!js/function "function () { process.exit(9) }"\nsteps: []\n');
    await expect(loadFlow(rt, f)).rejects.toMatchObject({ code: 'FIXTURE_INVALID' });
    const custom = file('tag.yaml', 'name: !custom x\nsteps: []\n');
    await expect(loadFlow(rt, custom)).rejects.toMatchObject({ code: 'FIXTURE_INVALID' });
  });

  it('refuses a file over 256 KiB before parsing it', async () => {
    const f = file('huge.json', `{"name":"${'x'.repeat(300 * 1024)}","steps":[]}`);
    await expect(loadFlow(rt, f)).rejects.toThrow(/over 262144/);
  });

  it('a YAML timestamp or object where a string belongs is a schema problem', async () => {
    const f = file(
      't.yaml',
      'name: 2026-01-01\nsteps:\n  - name: q\n    action: query\n    with: { out_trade_no: [1] }\n',
    );
    await expect(loadFlow(rt, f)).rejects.toThrow(
      /name: must be a string, got an object\nsteps\[0\]\.with\.out_trade_no: must be a string, got a list/,
    );
  });
});

describe('runner', () => {
  const flow = parseFlow(
    {
      name: 'r',
      steps: [
        { name: 'a', action: 'query', with: { out_trade_no: 'A1' } },
        {
          name: 'e1',
          action: 'expect',
          expect: [
            { path: 'a.n', equals: 2 },
            { path: 'a.missing', exists: true },
          ],
        },
        { name: 'b', action: 'close', with: { out_trade_no: '${a.out_trade_no}' } },
        { name: 'c', action: 'query', with: { out_trade_no: 'C1' } },
      ],
    },
    'r.json',
  );
  const executors = (close: () => Promise<Record<string, unknown>>) =>
    ({
      query: async (i: Record<string, unknown>) => ({ out_trade_no: i.out_trade_no, n: 1 }),
      close,
    }) as unknown as Executors;
  let t = 0;
  const opts = { runId: 'R1', now: () => (t += 5) };

  it('goes on after a failed expect and exits 8 naming the step and path', async () => {
    const r = await runFlow(
      flow,
      executors(async () => ({ closed: true })),
      opts,
    );
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'passed', 'passed']);
    expect(r.exitCode).toBe(8);
    expect(r.error?.message).toBe(
      '1 expect step(s) failed:\nstep "e1" expect[0]: a.n is 1, expected 2\nstep "e1" expect[1]: a.missing is missing, expected it to exist',
    );
  });

  it('stops at an action error with its exit code; later steps are skipped', async () => {
    const refused = new WxpayError('WECHATPAY_ERROR', 'ORDER_CLOSED', { hint: 'h' });
    const r = await runFlow(
      flow,
      executors(() => Promise.reject(refused)),
      opts,
    );
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'error', 'skipped']);
    expect(r.exitCode).toBe(5);
    expect(r.error).toBe(refused);
  });
});

describe('report outputs', () => {
  it('hide the ciphertext of sealed fields', () => {
    const c = 'A'.repeat(344);
    expect(hideSealed({ user_name: c, state: 'SUCCESS', list: [{ name: c }], short_name: 'x' })).toEqual({
      user_name: '<ciphertext, 344 chars>',
      state: 'SUCCESS',
      list: [{ name: '<ciphertext, 344 chars>' }],
      short_name: 'x',
    });
  });
});
