import { MongoBulkWriteError } from 'mongodb';

/** A duplicate-key refusal, named by the unique index it hit (`_id`, `last`, `commitId`, `stream`). */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate key on ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

interface KeyedError {
  code?: number;
  keyPattern?: Record<string, unknown>;
  errmsg?: string;
  message?: string;
  err?: { keyPattern?: Record<string, unknown> };
}

/** The index a duplicate-key error (11000) names, from the key pattern or else the message. */
export function duplicateKeyOf(error: unknown): string | undefined {
  const e = error as KeyedError;
  if (e?.code !== 11000) return undefined;
  const pattern = e.keyPattern ?? e.err?.keyPattern;
  if (pattern) return Object.keys(pattern)[0];
  const match = /index: (\w+)/.exec(e.errmsg ?? e.message ?? '');
  return match?.[1]?.split('_')[0];
}

/** How far an ordered insertMany got, and what stopped it. */
export function bulkFailure(error: unknown): { inserted: number; key: string | undefined } {
  if (!(error instanceof MongoBulkWriteError)) return { inserted: 0, key: duplicateKeyOf(error) };
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const first = writeErrors[0] as unknown as KeyedError | undefined;
  return { inserted: error.insertedCount, key: first ? duplicateKeyOf(first) : undefined };
}
