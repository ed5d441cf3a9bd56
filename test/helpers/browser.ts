// Headless Chromium for the dashboard tests: Debian's `chromium` package driven by
// playwright-core through its executablePath (no browser is ever downloaded). When no
// chromium binary exists the browser suites skip, saying why.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** PRICEKEEP_CHROMIUM, else the first chromium on PATH, else null. */
export function findChromium(): string | null {
  const configured = process.env.PRICEKEEP_CHROMIUM;
  if (configured) return existsSync(configured) ? configured : null;
  for (const name of CANDIDATES) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not installed under this name
    }
  }
  return null;
}

export const CHROMIUM = findChromium();

if (!CHROMIUM) {
  process.stderr.write(
    'browser tests SKIPPED: no chromium found (apt-get install -y chromium, or set PRICEKEEP_CHROMIUM to its path)\n',
  );
}

export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium');
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
