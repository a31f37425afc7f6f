/**
 * One append is one document: the events of a commit are written atomically without transactions.
 * `_id` is the global position of its first event. Every commit starts exactly one past the last
 * position of the commit before it, so a writer that raced on a stale position collides on `_id`
 * and never leaves a hole that a later commit could fill behind a tailing reader.
 */
export interface CommitDocument {
  _id: number;
  last: number;
  stream: string;
  /** Stream versions of the events; a unique multikey index makes overlapping commits impossible. */
  versions: number[];
  commitId: string;
  at: Date;
  events: StoredEventDocument[];
}

export interface StoredEventDocument {
  id: string;
  type: string;
  time: string;
  data: unknown;
  correlationId?: string;
  causationId?: string;
}
