// The process boundary: the only file that reads process.argv/env and calls process.exit.
// Commands throw; this maps every error to its documented exit code.
import { buildProgram } from './cli.js';
import type { Runtime } from './runtime.js';

const runtime: Runtime = {
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => Date.now(),
  onSignal(handler) {
    const h = (sig: NodeJS.Signals) => handler(sig);
    process.on('SIGINT', h);
    process.on('SIGTERM', h);
    return () => {
      process.off('SIGINT', h);
      process.off('SIGTERM', h);
    };
  },
};

async function main(): Promise<number> {
  const program = buildProgram(runtime);
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (err) {
    const { reportError } = await import('./report-error.js');
    return reportError(err, runtime, process.argv.includes('--json'), process.argv.includes('--verbose'));
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`wxpay: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
