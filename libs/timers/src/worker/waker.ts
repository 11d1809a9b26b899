/**
 * The worker's sleep: ends at its deadline, or earlier when `wakeIn` asks for an earlier time (a timer
 * was scheduled, a handler slot freed up, the worker is stopping). A wake-up asked for while the worker
 * is busy is kept for its next sleep, so none is lost between a query and the sleep that follows it.
 */
export class Waker {
  private requestedAt = Number.POSITIVE_INFINITY;
  private deadline = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Ends the current or next sleep no later than `ms` from now. */
  wakeIn(ms: number): void {
    const at = this.now() + Math.max(0, ms);
    if (!this.resolve) {
      this.requestedAt = Math.min(this.requestedAt, at);
      return;
    }
    if (at < this.deadline) this.arm(at);
  }

  wake(): void {
    this.wakeIn(0);
  }

  sleep(ms: number): Promise<void> {
    const at = Math.min(this.now() + Math.max(0, ms), this.requestedAt);
    this.requestedAt = Number.POSITIVE_INFINITY;
    if (at <= this.now()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.arm(at);
    });
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.deadline = at;
    this.timer = setTimeout(() => this.done(), Math.max(0, Math.ceil(at - this.now())));
  }

  private done(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.deadline = Number.POSITIVE_INFINITY;
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}
