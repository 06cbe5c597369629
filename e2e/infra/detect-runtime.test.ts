import { describe, expect, it } from 'vitest';
import { detectRuntime } from './detect-runtime.ts';

const engineUp = () => Promise.resolve(true);
const engineDown = () => Promise.resolve(false);

describe('detectRuntime', () => {
  it.each([
    { env: {}, probe: engineUp, expected: 'containers' },
    { env: {}, probe: engineDown, expected: 'local' },
    { env: { KSPAN_E2E_INFRA: 'local' }, probe: engineUp, expected: 'local' },
    { env: { KSPAN_E2E_INFRA: 'containers' }, probe: engineDown, expected: 'containers' },
    { env: { KSPAN_E2E_INFRA: '' }, probe: engineDown, expected: 'local' },
  ])('picks $expected for env $env', async ({ env, probe, expected }) => {
    expect(await detectRuntime(env, probe)).toBe(expected);
  });

  it('rejects an unknown runtime with the accepted values in the message', async () => {
    await expect(detectRuntime({ KSPAN_E2E_INFRA: 'docker' }, engineUp)).rejects.toThrow(/"local" or "containers"/);
  });
});
