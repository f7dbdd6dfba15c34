// What `fixtures run` prints and writes: the step table (name, action, status, duration), the JSON report (each
// step's status and output, which later steps and CI read) and the JUnit report (one test case per step, through the
// diagnostics JUnit writer). Outputs are WeChat Pay's answers as the steps returned them: no keys, no signatures.
import { junitXml, type JunitCase } from '../diagnostics/junit.js';
import type { RunResult, StepResult } from '../fixtures/runner.js';
import type { Output } from '../render.js';

export function reportOf(r: RunResult, file: string): Record<string, unknown> {
  return {
    flow: r.flow,
    file,
    run_id: r.runId,
    started_at: new Date(r.startedAt).toISOString(),
    duration_ms: r.ms,
    result: r.exitCode === 0 ? 'passed' : r.steps.some((s) => s.status === 'error') ? 'error' : 'failed',
    exit_code: r.exitCode,
    steps: r.steps.map((s) => ({
      name: s.name,
      action: s.action,
      status: s.status,
      duration_ms: s.ms,
      ...(s.output ? { output: s.output } : {}),
      ...(s.failures ? { failures: s.failures } : {}),
      ...(s.error ? { error: s.error } : {}),
    })),
  };
}

function caseOf(s: StepResult): JunitCase {
  const name = `${s.name} (${s.action})`;
  if (s.status === 'skipped') return { name, status: 'skip', message: 'not run: an earlier step failed', ms: 0 };
  if (s.status === 'failed') {
    const message = (s.failures ?? []).join('\n');
    return { name, status: 'fail', message, type: 'FIXTURE_EXPECT_FAILED', ms: s.ms };
  }
  if (s.error)
    return { name, status: 'fail', message: s.error.message, type: s.error.code, hint: s.error.hint, ms: s.ms };
  return { name, status: 'pass', message: 'passed', ms: s.ms };
}

export function junitOf(r: RunResult, file: string): string {
  return junitXml({
    name: `wxpay fixtures ${r.flow}`,
    timestamp: new Date(r.startedAt).toISOString(),
    properties: { file, run_id: r.runId },
    cases: r.steps.map(caseOf),
  });
}

// Step names and actions are ASCII (the schema's rule), so length is the width.
const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));

export function printSteps(out: Output, r: RunResult): void {
  const nameWidth = Math.max(4, ...r.steps.map((s) => s.name.length));
  const actionWidth = Math.max(6, ...r.steps.map((s) => s.action.length));
  const paint = { passed: out.color.green, failed: out.color.red, error: out.color.red, skipped: out.color.dim };
  out.line(out.color.bold(`${pad('step', nameWidth)}  ${pad('action', actionWidth)}  ${pad('status', 7)}  time`));
  for (const s of r.steps) {
    const time = s.status === 'skipped' ? '-' : `${s.ms} ms`;
    out.line(`${pad(s.name, nameWidth)}  ${pad(s.action, actionWidth)}  ${paint[s.status](pad(s.status, 7))}  ${time}`);
    for (const f of s.failures ?? []) out.line(`  ${f}`);
    if (s.error) out.line(`  ${s.error.code}: ${s.error.message}`);
  }
  const passed = r.steps.filter((s) => s.status === 'passed').length;
  out.line(`${r.flow}: ${passed} of ${r.steps.length} steps passed in ${r.ms} ms (run ${r.runId})`);
}
