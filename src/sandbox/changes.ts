// "Something changed" for the dashboard's live updates (GET /sandbox/ui/events): the state says so on every save,
// the notifier on every attempt, and the shared admin operations (faults, clock, keys) when they act.
export class ChangeFeed {
  private readonly listeners = new Set<() => void>();

  /** Calls `fn` on every change until the returned function is called. */
  on(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(): void {
    for (const fn of this.listeners) fn();
  }
}
