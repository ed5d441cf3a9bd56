// Whole-number command-line options, checked once with one wording for every command.
import { CliError } from './cli-error.js';

export function integerOption(flag: string, raw: string, min: number, max: number, unit?: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`${flag} must be an integer between ${min} and ${max}${unit ? ` (${unit})` : ''}, got "${raw}"`, 2);
  }
  return value;
}
