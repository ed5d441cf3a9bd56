// One pino logger for CLI, jobs and the API server. Logs go to stderr so that stdout stays
// clean for JSON output (`export`, `extract`). Every line passes through `redactSecrets`
// on its way out: API keys and Bearer tokens can hide in URLs, error messages, query
// strings and headers, and a redaction list of field paths would miss some of them.
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A log level pino does not know (the CLI reports it as a configuration error). */
export class LogLevelError extends Error {
  override readonly name = 'LogLevelError';
}

// `key=…` in any query string (Keepa keys), `Bearer …` (ASA keys), and `asa_live_…` keys
// wherever they appear on their own.
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/([?&\s"']key=)[^&\s"'\\]+/gi, '$1***'],
  [/(bearer\s+)[^\s"'\\]+/gi, '$1***'],
  [/asa_(live|test)_[A-Za-z0-9]+/g, 'asa_$1_***'],
];

/** The text with every API key and Bearer token replaced by ***. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A destination that redacts each line, then writes it to `target` (stderr by default). */
export function redactingDestination(target: DestinationStream = pino.destination(2)): DestinationStream {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      target.write(redactSecrets(chunk.toString()));
      callback();
    },
  }) as unknown as DestinationStream;
}

export function createLogger(level = process.env.PRICEKEEP_LOG_LEVEL ?? 'info', target?: DestinationStream): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new LogLevelError(`PRICEKEEP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${level}".`);
  }
  return pino({ level, base: { app: 'pricekeep' } }, redactingDestination(target));
}
