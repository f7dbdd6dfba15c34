// Preloaded into the CLI child by bench/bill-stream.mjs (node --import) when GNU time is missing: on exit it
// writes the process's peak RSS in kilobytes to $WXPAY_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.WXPAY_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
