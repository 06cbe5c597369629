/**
 * Text written straight into UTF-8 bytes, a piece at a time (Buffer's native write: a JavaScript loop over the
 * characters was slower than building a string). Saves building a long text as a string first, flattening it
 * and encoding it again on its way to a file (the most of a JSON Lines export's cost).
 */
export class JsonBytes {
  private buf: Buffer;
  private at = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + bytes) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** Text as UTF-8: JSON punctuation, quoted keys, hex IDs, numbers, a string literal's characters. */
  raw(text: string): void {
    this.reserve(text.length * 3);
    this.at += this.buf.write(text, this.at);
  }

  /** A copy of the bytes written, and a fresh start (the buffer is kept for the next text). */
  take(): Buffer {
    const bytes = Buffer.allocUnsafe(this.at);
    this.buf.copy(bytes, 0, 0, this.at);
    this.at = 0;
    return bytes;
  }

  /** The text written, and a fresh start. */
  takeText(): string {
    const text = this.buf.toString('utf8', 0, this.at);
    this.at = 0;
    return text;
  }
}
