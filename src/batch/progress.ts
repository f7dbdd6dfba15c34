// Batch progress on stderr: one line redrawn in place (done, failed, rate, ETA). The caller creates it only
// when stderr is a TTY, so logs and pipes never receive carriage returns; redraws are throttled.

export interface ProgressStream {
  write(chunk: string): boolean;
  columns?: number;
}

export interface ProgressCounts {
  /** Rows finished in any way (including failed) out of `total`. */
  done: number;
  failed: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The progress line itself: pure, so it is tested without a terminal. */
export function progressLine(
  total: number,
  c: ProgressCounts,
  elapsedMs: number,
  startDone: number,
  width = 80,
): string {
  const ran = c.done - startDone;
  const rate = elapsedMs > 0 ? (ran * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - c.done) / rate : Infinity;
  const stats = ` ${c.done}/${total} failed ${c.failed} ${rate.toFixed(1)}/s ETA ${formatDuration(eta)}`;
  const barWidth = Math.max(10, Math.min(40, width - stats.length - 3));
  const filled = total ? Math.round((c.done / total) * barWidth) : barWidth;
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${stats}`;
}

export class ProgressBar {
  private lastDraw = -Infinity;
  private readonly started: number;
  private readonly startDone: number;
  private counts: ProgressCounts;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    initial: ProgressCounts,
    private readonly now: () => number = Date.now,
    private readonly everyMs = 100,
  ) {
    this.started = now();
    this.counts = { ...initial };
    this.startDone = initial.done;
  }

  update(c: ProgressCounts): void {
    this.counts = { ...c };
    const t = this.now();
    if (t - this.lastDraw < this.everyMs && c.done < this.total) return;
    this.lastDraw = t;
    this.draw();
  }

  private draw(): void {
    const line = progressLine(
      this.total,
      this.counts,
      this.now() - this.started,
      this.startDone,
      this.stream.columns ?? 80,
    );
    this.stream.write(`\r${line}\x1b[K`);
  }

  /** Leaves the final state on its own line, so the summary that follows starts clean. */
  finish(): void {
    this.draw();
    this.stream.write('\n');
  }
}
