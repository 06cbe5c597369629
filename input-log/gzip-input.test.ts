import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipInputError, gunzipIfCompressed, startsGzip } from './gzip-input.ts';

/** The parts as a stream hands them over: one turn of the event loop each. */
async function* chunksOf(...parts: (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  for (const p of parts) yield await Promise.resolve(p);
}

async function text(chunks: AsyncIterable<Buffer | string>): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of gunzipIfCompressed(chunks)) out.push(c);
  return Buffer.concat(out).toString('utf8');
}

describe('gunzipIfCompressed', () => {
  const LOG = Array.from({ length: 2000 }, (_, i) => `{"type":"tick","n":${i}}\n`).join('');
  const gz = gzipSync(LOG);

  it('hands plain chunks on as they are (strings as bytes)', async () => {
    expect(await text(chunksOf('{"a":', Buffer.from('1}\n'), ''))).toBe('{"a":1}\n');
  });

  it('decompresses gzip data, whatever size its chunks come in (a pipe may give one byte first)', async () => {
    expect(await text(chunksOf(gz))).toBe(LOG);
    expect(await text(chunksOf(gz.subarray(0, 1), gz.subarray(1, 7), gz.subarray(7)))).toBe(LOG);
  });

  it('reads gzip members one after another as one stream', async () => {
    expect(await text(chunksOf(gzipSync('first\n'), gzipSync('second\n')))).toBe('first\nsecond\n');
  });

  it('gives nothing for nothing, and a lone byte as it is', async () => {
    expect(await text(chunksOf())).toBe('');
    expect(await text(chunksOf(Buffer.from([0x1f])))).toBe('\u001f');
  });

  it("fails with zlib's reason when the data is cut short or corrupt", async () => {
    await expect(text(chunksOf(gz.subarray(0, gz.length - 20)))).rejects.toThrow(
      new GzipInputError('unexpected end of file', true),
    );
    await expect(text(chunksOf(gz.subarray(0, gz.length - 20)))).rejects.toMatchObject({ cutShort: true });
    const corrupt = Buffer.from(gz);
    corrupt[2] = 0; // the compression method: 8 (deflate) is the only one
    await expect(text(chunksOf(corrupt))).rejects.toBeInstanceOf(GzipInputError);
    await expect(text(chunksOf(corrupt))).rejects.toMatchObject({
      reason: 'unknown compression method',
      cutShort: false,
    });
  });

  it('passes on a failure of its source as it is', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield await Promise.resolve(gz.subarray(0, 10));
      throw new Error('EIO: read failed');
    }
    await expect(text(failing())).rejects.toThrow('EIO: read failed');
  });

  it('tells gzip data by its first two bytes', () => {
    expect(startsGzip(gz)).toBe(true);
    expect(startsGzip(Buffer.from('{"type"'))).toBe(false);
    expect(startsGzip(Buffer.from([0x1f]))).toBe(false);
  });
});
