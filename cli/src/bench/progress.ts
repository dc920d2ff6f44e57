/** Where the progress display writes: a terminal (redrawn in place) or a log (one line per phase). */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const MB = 1e6;

/**
 * The progress display of `stowage bench` on stderr. On a terminal one line is redrawn at most
 * every 100 ms (`put 1 MiB  37/64  412 MB/s`); elsewhere only each phase's final line is written,
 * so logs stay readable. Disabled, it writes nothing.
 */
export class ProgressDisplay {
  private lastDraw = 0;

  /**
   * @param now The clock the redraws are throttled by. @defaultValue `Date.now`
   */
  constructor(
    private readonly sink: ProgressSink,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Redraws the current phase's line (terminals only, throttled). */
  update(label: string, done: number, total: number, bytes: number, elapsedMs: number): void {
    if (!this.enabled || this.sink.isTTY !== true) return;
    const now = this.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    this.sink.write(`\r\x1b[2K${label}  ${done}/${total}  ${rate(bytes, elapsedMs)}`);
  }

  /** Ends a phase with its summary line. */
  finish(label: string, summary: string): void {
    if (!this.enabled) return;
    this.sink.write(`${this.sink.isTTY === true ? '\r\x1b[2K' : ''}${label}  ${summary}\n`);
  }
}

function rate(bytes: number, elapsedMs: number): string {
  return elapsedMs <= 0 ? '–' : `${(bytes / MB / (elapsedMs / 1000)).toFixed(1)} MB/s`;
}

/** `4096` → `4 KiB`, `1048576` → `1 MiB`, `1000` → `1000 B`. */
export function sizeLabel(bytes: number): string {
  for (const [unit, scale] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  }
  return `${bytes} B`;
}
