import type { DomainEvent, EventMetadata, RecordedEvent } from '../events/domain-event';

/** Expected version of a stream for an append: any, the stream must not exist, or an exact version. */
export type ExpectedVersion = 'any' | 'no-stream' | number;

export interface EventToAppend extends DomainEvent {
  /** Optional fixed CloudEvent id; the store generates one otherwise. */
  readonly id?: string;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedVersion: ExpectedVersion;
  /** Same commit id twice stores once and answers the same. Generated when absent. */
  readonly commitId?: string;
  readonly metadata?: EventMetadata;
}

export interface AppendResult {
  readonly commitId: string;
  /** Global position of the first and last event of the commit. */
  readonly firstPosition: number;
  readonly lastPosition: number;
  /** Stream version after the commit. */
  readonly streamVersion: number;
  readonly events: readonly RecordedEvent[];
  /** True when the commit id had been stored before and this answer is the original one. */
  readonly duplicate: boolean;
}

export interface ReadBatch {
  readonly events: readonly RecordedEvent[];
  /** Position to pass as `after` for the next batch. */
  readonly nextAfter: number;
}

export interface EventStore {
  append(request: AppendRequest): Promise<AppendResult>;
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
  /** Events with a global position strictly greater than `after`, in position order. */
  readAll(after: number, limit: number): Promise<ReadBatch>;
  headPosition(): Promise<number>;
  /** The last position this process appended (read-your-writes for queries). */
  lastAppendedPosition(): number;
}

export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}
