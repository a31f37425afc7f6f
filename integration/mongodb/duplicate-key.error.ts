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
  // Without a key pattern (bulk write errors of some servers), the message names the key:
  // `index: _id_ dup key: { _id: 1 }`. The first key field says which index refused the write.
  const message = e.errmsg ?? e.message ?? '';
  const field = /dup key: \{\s*"?([\w.]+)"?\s*:/.exec(message)?.[1];
  if (field) return field;
  const index = /index: (\w+)/.exec(message)?.[1];
  return index === '_id_' ? '_id' : index?.split('_')[0];
}

/** How far an ordered insertMany got, and what stopped it. */
export function bulkFailure(error: unknown): { inserted: number; key: string | undefined } {
  if (!(error instanceof MongoBulkWriteError)) return { inserted: 0, key: duplicateKeyOf(error) };
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const first = writeErrors[0] as unknown as KeyedError | undefined;
  return { inserted: error.insertedCount, key: first ? duplicateKeyOf(first) : undefined };
}
