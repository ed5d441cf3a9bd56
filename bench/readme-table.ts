// A full run's table, copied into the README between its bench-results markers, so the
// README never shows figures other than the last full run's.
import { readFileSync, writeFileSync } from 'node:fs';

/** The README's copy of the table, between its bench-results markers, from a full run. */
export function writeReadmeTable(md: string, readme: URL): void {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('<!-- bench-results:start');
  const end = text.indexOf('<!-- bench-results:end -->');
  if (start < 0 || end < start) return;
  const opening = text.indexOf('\n', start) + 1;
  const [, stamp = ''] = /^Written by `npm run bench` on (.*)$/m.exec(md) ?? [];
  const table = md.split('\n').filter((line) => line.startsWith('|')).join('\n');
  const block = `The last full run (\`npm run bench\`, ${stamp.replace(/\.$/, '')}; copied from\n` +
    `[bench/results.md](bench/results.md), where each row's note says what it measured):\n\n${table}\n`;
  writeFileSync(readme, text.slice(0, opening) + block + text.slice(end));
}

