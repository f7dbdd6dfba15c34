// Declarations for this area's commands (see src/cli.ts). Filled in by its issue.
import type { Command } from 'commander';
import type { Runtime } from '../runtime.js';

export function registerClient(_program: Command, _rt: Runtime): void {}
