// The reconcile engine's public face, for command-kit and commands.
export { reconcile, type ReconcileInput, type ReconcileStats } from './run.js';
export { CATEGORIES, type Category, type Finding } from './compare.js';
