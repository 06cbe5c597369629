import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The system Chromium (Debian's `chromium` package), or `$KSPAN_CHROMIUM`. */
export const CHROMIUM_PATH = process.env.KSPAN_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, offline headless run: nothing phones home, nothing is kept between runs. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile; `close()` ends it and removes the profile. */
export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts the system Chromium headless, failing with a clear message when it is not installed. */
export async function launchChromium(viewport = { width: 1500, height: 900 }): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run report/install-browser.sh (or set KSPAN_CHROMIUM)`);
  const profile = await mkdtemp(join(tmpdir(), 'kspan-chromium-'));
  // Playwright passes --user-data-dir itself for a persistent context: the fresh folder made above.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport,
    offline: true,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
