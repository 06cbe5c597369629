/**
 * Bytes written at the end of one buffer, which doubles when a write needs more room: the base of kspan's OTLP
 * protobuf writer, which reuses it from one request to the next.
 */
export class GrowingBuffer {
  protected buf: Buffer;
  /** Bytes written so far. */
  protected pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Makes room for `bytes` more after what is written. */
  protected reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A copy of the bytes written, and a fresh start (the buffer is kept for the next text). */
  take(): Buffer {
    const bytes = Buffer.allocUnsafe(this.pos);
    this.buf.copy(bytes, 0, 0, this.pos);
    this.pos = 0;
    return bytes;
  }
}
