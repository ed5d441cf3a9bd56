// The one line that tells a CLI user scraping is halted, and how to resume it.
export function haltLine(halt: { readonly code: string; readonly message: string; readonly since: Date }): string {
  return `SCRAPING HALTED since ${halt.since.toISOString()}: ${halt.code}: ${halt.message} (fix the cause, then run \`pricekeep track resume\`)`;
}
