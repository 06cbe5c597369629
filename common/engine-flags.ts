import { ENGINE_DEFAULTS } from '../core/index.ts';
import { formatDurationMs } from './duration.ts';

/** The defaults of the engine flags every command shares (`--window`, `--idle`), written from ENGINE_DEFAULTS. */
export const DEFAULT_ENGINE_FLAGS = {
  window: formatDurationMs(ENGINE_DEFAULTS.windowMs),
  idle: formatDurationMs(ENGINE_DEFAULTS.idleMs),
} as const;
