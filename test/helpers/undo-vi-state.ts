// A setup file of the shared project (vitest.config.ts): files there share their worker one after another, so
// whatever global state a file changed through vitest's own undoable helpers (spies, stubbed environment variables
// and globals, fake timers) is undone when the file ends, even if its own clean-up missed a path. That is what
// lets such files share a worker instead of costing a process each; other global state still isolates a file.
import { afterAll, vi } from 'vitest';

afterAll(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});
