#!/usr/bin/env node
// tsc emits only .js: the store's SQL migrations (src/store/migrations/*.sql) are copied beside the compiled
// src/store/migrations.js, which reads them from its own folder at run time.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, 'src/store/migrations');
const to = path.join(root, 'dist/store/migrations');
mkdirSync(to, { recursive: true });
for (const f of readdirSync(from)) if (f.endsWith('.sql')) cpSync(path.join(from, f), path.join(to, f));
