// `wxpay fixtures run` (issue 17 build 3): the three example flows in examples/fixtures/ pass against a sandbox in
// both key modes, with a `webhook serve` listener (in process) whose journal the wait steps read; a failing expect
// exits 8 and names the step and path; an action error stops the flow with its own code and skips the rest.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadVerifierKeys } from '../../src/config/credentials.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { repoRoot } from '../helpers/paths.js';
import { NOTIFY, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

const example = (name: string) => path.join(repoRoot, 'examples', 'fixtures', name);

/** Writes a flow file into the sandbox folder and returns its path. */
function writeFlow(env: Env, name: string, steps: unknown[]): string {
  const file = path.join(env.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, steps }));
  return file;
}

interface Report {
  flow: string;
  result: string;
  exit_code: number;
  steps: Array<{ name: string; action: string; status: string; output?: any; failures?: string[]; error?: any }>;
}

describe.each(['cert', 'pubkey'] as const)('wxpay fixtures run in %s mode', (mode) => {
  let env: Env;
  let hook: WebhookServer;
  let journal: string;
  const run = (flow: string, extra: string[] = []) =>
    env.cli(['fixtures', 'run', flow, '--sandbox', '.', '--journal', journal, ...extra]);
  const report = (file: string) => JSON.parse(readFileSync(path.join(env.dir, file), 'utf8')) as Report;

  beforeAll(async () => {
    env = await sandboxEnv(mode, { autoRefundMs: 200 });
    journal = path.join(env.dir, 'webhooks.ndjson');
    const profile = await loadConfig({ cwd: env.dir, env: {} });
    hook = await startWebhookServer({
      port: 0,
      keys: await loadVerifierKeys(profile),
      apiV3Key: await loadApiV3Key(profile, {}),
      journalPath: journal,
    });
  });
  afterAll(async () => {
    await hook.close();
    await env.close();
  });

  it.each(['pay-and-refund.json', 'close-unpaid.yaml', 'transfer.json'])('example %s passes', async (name) => {
    const r = await run(example(name), [
      ...(name.endsWith('.yaml') ? [] : ['--override', `vars.notify_url=${hook.url}`]),
      ...['--report', `${name}.report.json`, '--junit', `${name}.junit.xml`],
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/steps passed/);
    const rep = report(`${name}.report.json`);
    expect(rep.result).toBe('passed');
    expect(rep.steps.every((s) => s.status === 'passed')).toBe(true);
    const junit = readFileSync(path.join(env.dir, `${name}.junit.xml`), 'utf8');
    expect(junit).toContain(`tests="${rep.steps.length}" failures="0" errors="0" skipped="0"`);
  });

  it('a failing expect exits 8 and names the step and the path; the other steps still ran', async () => {
    const flow = writeFlow(env, 'failing', [
      {
        name: 'poke',
        action: 'trigger',
        with: { event: 'TRANSACTION.SUCCESS', to: hook.url, out_trade_no: 'FXTRIG${run.id}', amount: 7 },
      },
      {
        name: 'got',
        action: 'wait',
        with: { event_type: 'TRANSACTION.SUCCESS', out_trade_no: '${poke.resource.out_trade_no}' },
      },
      {
        name: 'amounts',
        action: 'expect',
        expect: [
          { path: 'got.resource.amount.total', equals: 8 },
          { path: 'got.id', equals: '${poke.id}' },
        ],
      },
      { name: 'after', action: 'expect', expect: [{ path: 'got.resource.out_trade_no', matches: '^FXTRIG' }] },
    ]);
    const r = await run(flow, ['--report', 'failing.report.json', '--junit', 'failing.junit.xml']);
    expect(r.code).toBe(8);
    expect(r.stderr).toContain('FIXTURE_EXPECT_FAILED');
    expect(r.stderr).toContain('step "amounts" expect[0]: got.resource.amount.total is 7, expected 8');
    expect(r.stdout).toMatch(/amounts\s+expect\s+failed/);
    const rep = report('failing.report.json');
    expect(rep.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed', 'passed']);
    expect(rep.steps[2]?.failures).toEqual(['expect[0]: got.resource.amount.total is 7, expected 8']);
    const junit = readFileSync(path.join(env.dir, 'failing.junit.xml'), 'utf8');
    expect(junit).toContain('failures="1"');
    expect(junit).toContain('type="FIXTURE_EXPECT_FAILED"');
  });

  it('an action error stops the flow with its own exit code and skips the later steps', async () => {
    const flow = writeFlow(env, 'missing', [
      { name: 'lookup', action: 'query', with: { out_trade_no: 'NOPE${run.id}' } },
      { name: 'never', action: 'expect', expect: [{ path: 'lookup.trade_state', equals: 'SUCCESS' }] },
    ]);
    const r = await run(flow, ['--json']);
    expect(r.code).toBe(5);
    expect(r.error().code).toBe('WECHATPAY_ERROR');
    expect(r.error().message).toMatch(/^step "lookup": /);
    const rep = r.json<Report>();
    expect(rep.steps.map((s) => s.status)).toEqual(['error', 'skipped']);
    expect(rep.steps[0]?.error.code).toBe('WECHATPAY_ERROR');
  });
  it('a wait that sees no callback times out with exit 4 (FIXTURE_WAIT_TIMEOUT), naming the journal', async () => {
    const wait = { event_type: 'REFUND.SUCCESS', out_refund_no: 'NEVER${run.id}', timeout_ms: 300 };
    const r = await run(writeFlow(env, 'quiet', [{ name: 'quiet', action: 'wait', with: wait }]), ['--json']);
    expect(r.code).toBe(4);
    expect(r.error()).toMatchObject({ code: 'FIXTURE_WAIT_TIMEOUT', message: expect.stringContaining(journal) });
  });
});

describe('wxpay fixtures run: a refund that ends ABNORMAL goes to a bank card (sandbox refunds finished by hand)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('pubkey');
  });
  afterAll(async () => {
    await env.close();
  });

  it('refund_settle fails it, abnormal_refund sends it to the card (fields encrypted), refund_settle finishes it', async () => {
    const no = { out_trade_no: '${order.out_trade_no}' };
    const flow = writeFlow(env, 'abnormal', [
      {
        name: 'order',
        action: 'prepay',
        with: { kind: 'native', out_trade_no: 'FXAB${run.id}', amount: 100, description: 'Tea', notify_url: NOTIFY },
      },
      { name: 'paid', action: 'pay', with: no },
      { name: 'refund', action: 'refund', with: { ...no, out_refund_no: 'FXABR${run.id}', amount: 100, total: 100 } },
      { name: 'failed', action: 'refund_settle', with: { out_refund_no: '${refund.out_refund_no}', fail: true } },
      {
        name: 'to_card',
        action: 'abnormal_refund',
        with: {
          refund_id: '${refund.refund_id}',
          out_refund_no: '${refund.out_refund_no}',
          type: 'USER_BANK_CARD',
          bank_type: 'CMB_DEBIT',
          bank_account: '6214830000001234',
          real_name: '张三',
        },
      },
      { name: 'settled', action: 'refund_settle', with: { out_refund_no: '${refund.out_refund_no}' } },
      { name: 'state', action: 'refund_query', with: { out_refund_no: '${refund.out_refund_no}' } },
      {
        name: 'checks',
        action: 'expect',
        expect: [
          { path: 'failed.status', equals: 'ABNORMAL' },
          { path: 'to_card.status', equals: 'PROCESSING' },
          { path: 'state.status', equals: 'SUCCESS' },
          { path: 'state.user_received_account', matches: '1234$' },
        ],
      },
    ]);
    const r = await env.cli(['fixtures', 'run', flow, '--sandbox', '.', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = r.json<Report>();
    expect(rep.steps.map((s) => s.status)).toEqual(Array(8).fill('passed'));
    expect(r.stdout).not.toContain('6214830000001234');
  });
});
