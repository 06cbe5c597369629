/** Progress lines on stderr for long work; silent when stderr is not a terminal unless forced. */
export class Progress {
  private readonly enabled: boolean;
  private readonly every: number;
  private next: number;

  constructor(enabled = process.stderr.isTTY === true, every = 100_000) {
    this.enabled = enabled;
    this.every = every;
    this.next = every;
  }

  /** Reports `count` items done when a multiple of the step is crossed. */
  tick(count: number, what: string): void {
    if (!this.enabled || count < this.next) return;
    this.next = count + this.every;
    process.stderr.write(`\r${what}: ${count.toLocaleString('en-US')}`);
  }

  /** Ends the progress line. */
  done(): void {
    if (this.enabled && this.next > this.every) process.stderr.write('\n');
  }
}
