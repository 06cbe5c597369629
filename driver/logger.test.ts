import { describe, expect, it } from 'vitest';
import { JsonLogger, redact } from './logger.ts';

describe('JsonLogger', () => {
  it('writes JSON lines at or above its level, secrets redacted', () => {
    const lines: string[] = [];
    const logger = new JsonLogger({ level: 'info', out: { write: (l) => lines.push(l) }, now: () => 0 });
    logger.debug('hidden');
    logger.info('exporting', {
      endpoint: 'https://x:4317',
      headers: { 'x-api-key': 'k' },
      authorization: 'Bearer t',
      otlpHeaderCount: 2,
    });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'info',
        msg: 'exporting',
        endpoint: 'https://x:4317',
        headers: '[REDACTED]',
        authorization: '[REDACTED]',
        otlpHeaderCount: 2,
      },
    ]);
  });

  it.each([['token'], ['bearerToken'], ['x-api-key'], ['password'], ['clientSecret']])('redacts %s', (key) => {
    expect(redact({ [key]: 'v', nested: { [key]: 'v' } })).toEqual({
      [key]: '[REDACTED]',
      nested: { [key]: '[REDACTED]' },
    });
  });
});
