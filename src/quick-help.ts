// `wxpay --help` (also `-h` and `help`, alone) printed from a file, without commander: declaring ~150 commands and
// options and formatting them was most of that start (BENCHMARKS.md, cold start). The top-level help depends only on
// the start-up bundle (the declarations and commander are both in it), the output width and the colour decision;
// bin/wxpay's loader (src/code-cache.ts) keeps the text commander rendered under those three, in the code-cache
// folder with the same ownership checks as compiled code, and prints it as is. Any doubt (other arguments, a stdout
// that cannot be examined, a write error) and the CLI runs as it always did.
import { fstatSync, writeSync } from 'node:fs';

/** What commander's help for this process depends on besides the bundle, as commander itself decides it. */
export interface HelpRequest {
  /** The wrap width: the terminal's columns on a TTY, undefined (commander's 80) otherwise. */
  width: number | undefined;
  colors: boolean;
  /** width and colors in a file name. */
  key: string;
}

const HELP_ARGS = new Set(['--help', '-h', 'help']);

/**
 * The request when `args` (argv after the script) asks for the top-level help and nothing else; undefined otherwise.
 * Mirrors commander's own defaults (Command's getOutHelpWidth and getOutHasColors, and its useColor): the width is
 * process.stdout.columns on a TTY, the colours come from NO_COLOR/FORCE_COLOR/CLICOLOR_FORCE, else the TTY's.
 * A stdout that is not a character device (a pipe, a file, a socket) is no TTY, and is decided without building
 * process.stdout, which for a pipe would load node:net.
 */
export function helpRequest(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): HelpRequest | undefined {
  if (args.length !== 1 || !HELP_ARGS.has(args[0]!)) return undefined;
  let tty: boolean;
  try {
    // Typed boolean, but undefined on a stream that is no tty.WriteStream (/dev/null is a character device too).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
    tty = fstatSync(1).isCharacterDevice() && Boolean(process.stdout.isTTY);
  } catch {
    return undefined;
  }
  const width = tty ? process.stdout.columns : undefined;
  const colors = envColors(env) ?? (tty && process.stdout.hasColors());
  return { width, colors, key: `${width ?? 'pipe'}.${colors ? 'color' : 'plain'}` };
}

/** Commander's useColor(): the common conventions, or undefined to let the stream decide. */
function envColors(env: Readonly<Record<string, string | undefined>>): boolean | undefined {
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return undefined;
}

/**
 * Writes the help to stdout. A pipe or file gets it with write(2) directly: building process.stdout for a pipe loads
 * node:net and the stream machinery, more than the rest of this start. A reader that went away (EPIPE) ends the run
 * quietly, as the CLI's stdout guard does (src/main.ts); a pipe that would block (EAGAIN, a non-blocking pipe shared
 * with another process) gets the rest through process.stdout, which waits for it. False when nothing was written
 * (the CLI then runs as usual).
 */
export function printHelp(text: string, request: HelpRequest): boolean {
  const bytes = Buffer.from(text);
  if (request.width !== undefined) {
    process.stdout.write(bytes);
    return true;
  }
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') process.stdout.write(bytes.subarray(done));
    else if (code !== 'EPIPE' && done === 0)
      return false; // nothing shown: the CLI runs and reports it its own way
    else if (code !== 'EPIPE') throw err;
  }
  return true;
}

/** The file the help of `bundleHash` (the start-up bundle's content hash) is kept in, for this request. */
export function helpFileName(bundleHash: string, request: HelpRequest): string {
  return `help.${bundleHash}.${request.key}.txt`;
}
