// Errors of the storage layer, each with a stable machine code.
export type StoreErrorCode =
  | 'embedded_in_use'
  | 'connection_failed'
  | 'migration_failed'
  | 'invalid_observation'
  | 'invalid_import';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
