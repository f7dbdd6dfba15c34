// Preloaded with `node --require` into a spawned bin/wxpay: on exit, prints the process's peak resident set size
// (process.resourceUsage().maxRSS, in KiB) as the last stderr line, so a test can bound the CLI's memory.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  writeSync(2, `\nPEAK_RSS_KIB=${process.resourceUsage().maxRSS}\n`);
});
