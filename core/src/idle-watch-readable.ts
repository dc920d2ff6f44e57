import { Readable } from 'node:stream';

/**
 * Re-emits `source`, and fails with `onIdle()` when the consumer has been waiting for data for
 * `idleMs` without any arriving. Time during which the consumer is not asking (backpressure from
 * a slow client) never counts, so only a stalled source is cut off. Destroying the result
 * destroys `source`.
 */
export class IdleWatchReadable extends Readable {
  private timer: NodeJS.Timeout | undefined;
  private wanted = false;

  constructor(
    private readonly source: Readable,
    private readonly idleMs: number,
    private readonly onIdle: () => Error,
  ) {
    super({ highWaterMark: source.readableHighWaterMark });
    source.on('readable', () => this.pull());
    source.once('end', () => {
      this.disarm();
      this.push(null);
    });
    source.once('error', (error) => this.destroy(error));
    source.once('close', () => {
      if (!source.readableEnded) this.destroy(source.errored ?? new Error('The source closed early'));
    });
  }

  override _read(): void {
    this.wanted = true;
    this.pull();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    this.source.destroy();
    callback(error);
  }

  private pull(): void {
    while (this.wanted) {
      const chunk: unknown = this.source.read();
      if (chunk === null) {
        if (!this.source.readableEnded) this.timer ??= setTimeout(() => this.destroy(this.onIdle()), this.idleMs);
        return;
      }
      this.disarm();
      this.wanted = this.push(chunk);
    }
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
