// The version is defined once, in package.json, which sits one folder above src/ and dist/ alike. The start-up
// bundle does not run this file: scripts/bundle-cli.mjs replaces it with the value read at build time, so
// `wxpay --version` reads no file.
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
