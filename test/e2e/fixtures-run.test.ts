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
import { sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

const example = (name: string) => path.join(repoRoot, 'examples', 'fixtures', name);

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
    const flow = path.join(env.dir, 'failing.json');
    writeFileSync(
      flow,
      JSON.stringify({
        name: 'failing',
        steps: [
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
        ],
      }),
    );
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
    const flow = path.join(env.dir, 'missing.json');
    writeFileSync(
      flow,
      JSON.stringify({
        name: 'missing',
        steps: [
          { name: 'lookup', action: 'query', with: { out_trade_no: 'NOPE${run.id}' } },
          { name: 'never', action: 'expect', expect: [{ path: 'lookup.trade_state', equals: 'SUCCESS' }] },
        ],
      }),
    );
    const r = await run(flow, ['--json']);
    expect(r.code).toBe(5);
    expect(r.error().code).toBe('WECHATPAY_ERROR');
    expect(r.error().message).toMatch(/^step "lookup": /);
    const rep = r.json<Report>();
    expect(rep.steps.map((s) => s.status)).toEqual(['error', 'skipped']);
    expect(rep.steps[0]?.error.code).toBe('WECHATPAY_ERROR');
  });
});
