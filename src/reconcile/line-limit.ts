// Untrusted files are read in chunks, never as a whole; a "line" that never ends would still grow one string
// without bound. This counts the characters since the last newline across chunks and stops at a limit.
import { WxpayError } from '../protocol/errors.js';

export const MAX_LINE_CHARS = 1 << 20;

export function lineLimiter(what: string, limit = MAX_LINE_CHARS): (chunk: string) => void {
  let open = 0;
  return (chunk) => {
    const nl = chunk.lastIndexOf('\n');
    open = nl < 0 ? open + chunk.length : chunk.length - nl - 1;
    if (open > limit)
      throw new WxpayError('USAGE', `${what} has a line longer than ${limit} characters`, {
        hint: `Is it the right file? ${what} is read line by line; no real record is that long.`,
        details: { limit },
      });
  };
}
