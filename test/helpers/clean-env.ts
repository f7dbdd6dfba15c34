// The environment a test gives the processes it spawns. In a module of its own, without the CLI that cli.ts loads,
// so that tests spawning plain `node` (the code-cache loader, a heap snapshot, the installed package) use it too.
/** Not passed on from the shell: NODE_EXTRA_CA_CERTS makes every Node process read and parse that CA bundle as it
 *  starts (~0.04 CPU-s for the system's 220 KB one, a third of a `wxpay --version`), and the commands the tests run
 *  talk to local plain-HTTP servers. A test that needs one gives it in `extra`. */
const NOT_INHERITED = new Set(['NODE_EXTRA_CA_CERTS']);

/** A clean env: no WXPAY_* leaking in from the developer's shell, colours off. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('WXPAY_') && !NOT_INHERITED.has(k)) env[k] = v;
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}
