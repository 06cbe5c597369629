import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/**
 * Text out to a stream in 64 KiB writes (one syscall per span line would cost more than the line), with
 * backpressure: `ready()` resolves once the stream has taken what it was given.
 */
export class TextWriter {
  private readonly out: Writable;
  private readonly transform: ((text: string) => string) | undefined;
  private pending = '';
  private full = false;

  /**
   * `transform` rewrites what write() queued, a 64 KiB chunk at a time (one pass over a chunk instead of one per
   * small write): it must map a concatenation to the concatenation of its parts, as a per-character escape does.
   */
  constructor(out: Writable = process.stdout, transform?: (text: string) => string) {
    this.out = out;
    this.transform = transform;
  }

  /** Queues text; it reaches the stream at the next 64 KiB boundary or flush(). */
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 16) this.flush();
  }

  /** Writes bytes after the text queued (a line of OTLP JSON, already encoded); the stream keeps `bytes`. */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    if (!this.out.write(bytes)) this.full = true;
  }

  /** Writes text after the text queued, as it is (not transformed: already escaped). */
  writeRaw(text: string): void {
    this.flush();
    if (text !== '' && !this.out.write(text)) this.full = true;
  }

  /** Hands everything queued to the stream. */
  flush(): void {
    if (this.pending === '') return;
    const text = this.transform === undefined ? this.pending : this.transform(this.pending);
    this.pending = '';
    if (!this.out.write(text)) this.full = true;
  }

  /** Waits while the stream's buffer is over its high-water mark (never on Linux files and pipes: they block). */
  async ready(): Promise<void> {
    if (!this.full) return;
    this.full = false;
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  /** Flushes and waits until the stream has taken it all; a file is closed. */
  async end(): Promise<void> {
    this.flush();
    await this.ready();
    if (this.out !== process.stdout && this.out !== process.stderr) {
      this.out.end();
      await finished(this.out);
    }
  }
}
