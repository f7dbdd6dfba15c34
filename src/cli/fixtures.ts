// Declarations: wxpay fixtures run (scripted scenarios for CI, issue 17 build 3).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, ex, lazy, type OptionsOf } from './lazy.js';

const declareFixturesRun = (fixtures: Command) =>
  fixtures
    .command('run')
    .description('run a flow file: wxpay actions as named steps, with ${step.field} references and expect checks')
    .argument('<flow>', 'the flow: a .json, .yaml or .yml file')
    .option(
      '--sandbox [dir]',
      'use the sandbox made by `wxpay sandbox init` in dir (default .wxpay-sandbox): its profile and keys',
    )
    .option(
      '--override <step.field=value>',
      'change one step input (or vars.name) before the run (repeatable)',
      collect,
    )
    .option('--journal <file>', 'the `webhook serve` journal that wait steps read', 'wxpay-webhooks.ndjson')
    .option('--report <file>', 'write the JSON report (every step, status and output)')
    .option('--junit <file>', 'write a JUnit XML report (one test case per step)');
export type FixturesRunOptions = OptionsOf<typeof declareFixturesRun>;

export function registerFixtures(program: Command, rt: Runtime): void {
  const fixtures = program
    .command('fixtures')
    .description('scripted end-to-end scenarios for CI (Stripe-style fixtures)');
  declareFixturesRun(fixtures)
    .addHelpText(
      'after',
      ex(
        '  wxpay fixtures run examples/fixtures/pay-and-refund.json --sandbox --report report.json --junit junit.xml\n\nExit 0 only if every expect holds; 8 when one does not (the step and path are named); an action\nerror stops the flow with its own code (later steps are skipped).',
      ),
    )
    .action(lazy(rt, () => import('../commands/fixtures-run.js')));
}
