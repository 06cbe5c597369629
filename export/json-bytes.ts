import { GrowingBuffer } from './growing-buffer.ts';

/**
 * Text written straight into UTF-8 bytes, a piece at a time (Buffer's native write: a JavaScript loop over the
 * characters was slower than building a string). Saves building a long text as a string first, flattening it
 * and encoding it again on its way to a file (the most of a JSON Lines export's cost).
 */
export class JsonBytes extends GrowingBuffer {
  /** Text as UTF-8: JSON punctuation, quoted keys, hex IDs, numbers, a string literal's characters. */
  raw(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
  }

  /** The text written, and a fresh start. */
  takeText(): string {
    const text = this.buf.toString('utf8', 0, this.pos);
    this.pos = 0;
    return text;
  }
}
