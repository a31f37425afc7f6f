import { randomUUID } from 'node:crypto';
import { Collection, Db } from 'mongodb';
import type { RecordedEvent } from '../../domain/events/domain-event';
import type { EventRegistry } from '../../domain/events/event-registry';
import {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  ReadBatch,
  WrongExpectedVersionError,
} from '../../domain/repositories/event-store.port';
import { assertValidCloudEvent } from '../cloudevents/cloud-event.mapper';
import { CommitQueue, PendingCommit } from './commit-queue';
import type { CommitDocument } from './commit.document';
import { bulkFailure, DuplicateKeyError } from './duplicate-key.error';

export const COMMITS_COLLECTION = 'event_commits';
const MAX_POSITION_RACES = 50;

export class MongoEventStore implements EventStore {
  private readonly commits: Collection<CommitDocument>;
  private readonly queue: CommitQueue<CommitDocument>;
  private nextPosition: number | undefined;
  private lastAppended = 0;
  /** Stream versions this process wrote last: `any` appends build on them instead of racing. */
  private readonly recentHeads = new Map<string, number>();

  constructor(
    db: Db,
    private readonly registry: EventRegistry,
    private readonly source: string,
    /** Where the catalog serves each event type's data schema. */
    private readonly schemaBaseUrl: string,
  ) {
    this.commits = db.collection<CommitDocument>(COMMITS_COLLECTION);
    this.queue = new CommitQueue((batch) => this.flush(batch));
  }

  async init(): Promise<void> {
    await this.commits.createIndexes([
      { key: { last: 1 }, name: 'last', unique: true },
      { key: { stream: 1, versions: 1 }, name: 'stream_versions', unique: true },
      { key: { commitId: 1 }, name: 'commitId', unique: true },
    ]);
  }

  lastAppendedPosition(): number {
    return this.lastAppended;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    if (request.events.length === 0) throw new Error(`append to ${request.streamId} with no events`);
    const commitId = request.commitId ?? randomUUID();
    for (let attempt = 0; ; attempt++) {
      const expected = request.expectedVersion;
      const current = await this.versionFor(request.streamId, expected, attempt);
      const versionMatches =
        expected === 'any' || (expected === 'no-stream' ? current === 0 : expected === current);
      if (!versionMatches) {
        const earlier = request.commitId ? await this.findCommit(commitId) : undefined;
        if (earlier) return this.answer(earlier, true);
        throw new WrongExpectedVersionError(request.streamId, expected, current);
      }
      const time = new Date().toISOString();
      const events = request.events.map((event) => ({
        id: event.id ?? randomUUID(),
        type: event.type,
        time,
        data: event.data,
        correlationId: request.metadata?.correlationId,
        causationId: request.metadata?.causationId,
      }));
      const build = (first: number, base: number): CommitDocument => ({
        _id: first,
        last: first + events.length - 1,
        stream: request.streamId,
        versions: events.map((_, i) => base + 1 + i),
        commitId,
        at: new Date(),
        events,
      });
      // Validating the first commit shape before it takes a position keeps bad events out of the log.
      this.answer(build(1, current), false).events.forEach(assertValidCloudEvent);
      try {
        const doc = await this.queue.enqueue({
          build,
          size: events.length,
          streamId: request.streamId,
          baseVersion: current,
          rebaseable: expected === 'any',
        });
        this.lastAppended = Math.max(this.lastAppended, doc.last);
        return this.answer(doc, false);
      } catch (error) {
        const key = error instanceof DuplicateKeyError ? error.key : undefined;
        if (key === 'commitId' || (key && request.commitId)) {
          const earlier = await this.findCommit(commitId);
          if (earlier) return this.answer(earlier, true);
        }
        if (key?.startsWith('stream')) {
          if (expected === 'any' && attempt < 10) continue;
          throw new WrongExpectedVersionError(
            request.streamId,
            expected,
            await this.streamVersion(request.streamId),
          );
        }
        throw error;
      }
    }
  }

  /** Places a batch at consecutive positions; returns the commits that lost a position race. */
  private async flush(batch: PendingCommit<CommitDocument>[]): Promise<PendingCommit<CommitDocument>[]> {
    batch = this.withoutInBatchConflicts(batch);
    for (let race = 0; race < MAX_POSITION_RACES && batch.length > 0; race++) {
      let position = this.nextPosition ?? (await this.headPosition()) + 1;
      const streamHeads = new Map<string, number>();
      const docs = batch.map((commit) => {
        const known = commit.rebaseable ? (this.recentHeads.get(commit.streamId) ?? 0) : 0;
        const base = streamHeads.get(commit.streamId) ?? Math.max(commit.baseVersion, known);
        const doc = commit.build(position, base);
        streamHeads.set(commit.streamId, doc.versions[doc.versions.length - 1]);
        position = doc.last + 1;
        return doc;
      });
      try {
        await this.commits.insertMany(docs, { ordered: true });
        this.nextPosition = position;
        docs.forEach((doc, i) => this.placed(batch[i], doc));
        return [];
      } catch (error) {
        const { inserted, key } = bulkFailure(error);
        docs.slice(0, inserted).forEach((doc, i) => this.placed(batch[i], doc));
        if (key === '_id' || key === 'last') {
          // Another process took the position: learn the head and place the rest again.
          this.nextPosition = undefined;
          batch = batch.slice(inserted);
          continue;
        }
        if (key === undefined || inserted >= batch.length) throw error;
        // The position of the refused commit is still free: the rest of the batch starts there.
        batch[inserted].reject(new DuplicateKeyError(key));
        this.nextPosition = docs[inserted]._id;
        return batch.slice(inserted + 1);
      }
    }
    if (batch.length === 0) return [];
    throw new Error('event store: could not win a global position after repeated races');
  }

  private placed(commit: PendingCommit<CommitDocument>, doc: CommitDocument): void {
    if (this.recentHeads.size > 10_000) this.recentHeads.clear();
    this.recentHeads.set(doc.stream, doc.versions[doc.versions.length - 1]);
    commit.resolve(doc);
  }

  /**
   * Two commits of one batch to the same stream: an `any` append goes on top of the one before it;
   * an exact or no-stream append would only fail in the database, so it fails here at once.
   */
  private withoutInBatchConflicts(batch: PendingCommit<CommitDocument>[]): PendingCommit<CommitDocument>[] {
    const seen = new Set<string>();
    return batch.filter((commit) => {
      if (!seen.has(commit.streamId)) return seen.add(commit.streamId);
      if (commit.rebaseable) return true;
      commit.reject(new DuplicateKeyError('stream'));
      return false;
    });
  }

  async readStream(streamId: string, fromVersion = 1): Promise<RecordedEvent[]> {
    const docs = await this.commits
      .find({ stream: streamId, versions: { $gte: fromVersion } })
      .sort({ _id: 1 })
      .toArray();
    return docs.flatMap((doc) => this.recorded(doc)).filter((e) => e.streamVersion >= fromVersion);
  }

  async readAll(after: number, limit: number): Promise<ReadBatch> {
    const events: RecordedEvent[] = [];
    let cursorAfter = after;
    // A commit holds at least one event: asking for as many commits as events are missing reads
    // a batch in one query (streamed in server batches), and a second only after multi-event commits.
    while (events.length < limit) {
      const wanted = Math.max(1, limit - events.length);
      const docs = await this.commits
        .find({ last: { $gt: cursorAfter } })
        .sort({ last: 1 })
        .limit(wanted)
        .batchSize(Math.min(wanted, 10_000))
        .toArray();
      for (const doc of docs) {
        for (const event of this.recorded(doc)) if (event.position > after) events.push(event);
        cursorAfter = doc.last;
      }
      if (docs.length < wanted) break;
    }
    const nextAfter = events.length ? events[events.length - 1].position : after;
    return { events, nextAfter };
  }

  async headPosition(): Promise<number> {
    const [doc] = await this.commits
      .find({}, { projection: { last: 1 } })
      .sort({ last: -1 })
      .limit(1)
      .toArray();
    return doc?.last ?? 0;
  }

  /**
   * The stream version to check an append against. Where what this process wrote last settles it,
   * the database is not asked: the unique (stream, versions) index refuses the append anyway if
   * someone else has written to the stream meanwhile, and the retry or the error then reads it.
   */
  private async versionFor(streamId: string, expected: ExpectedVersion, attempt: number): Promise<number> {
    const known = this.recentHeads.get(streamId);
    const fresh = expected === 'no-stream' || expected === 0;
    if (attempt === 0 && fresh && known === undefined) return 0;
    if (attempt === 0 && known !== undefined && (expected === 'any' || expected === known)) return known;
    return this.streamVersion(streamId);
  }

  private async streamVersion(streamId: string): Promise<number> {
    // Backwards on the (stream, versions) index: one key read, however long the stream.
    const [doc] = await this.commits
      .find({ stream: streamId }, { projection: { versions: 1 } })
      .sort({ versions: -1 })
      .limit(1)
      .toArray();
    return doc ? doc.versions[doc.versions.length - 1] : 0;
  }

  private findCommit(commitId: string): Promise<CommitDocument | null> {
    return this.commits.findOne({ commitId });
  }

  private answer(doc: CommitDocument, duplicate: boolean): AppendResult {
    const events = this.recorded(doc);
    return {
      commitId: doc.commitId,
      firstPosition: doc._id,
      lastPosition: doc.last,
      streamVersion: doc.versions[doc.versions.length - 1],
      events,
      duplicate,
    };
  }

  private recorded(doc: CommitDocument): RecordedEvent[] {
    const subject = doc.stream.slice(doc.stream.indexOf('-') + 1);
    return doc.events.map((stored, i) => {
      const { type, data } = this.registry.upcast(stored.type, stored.data);
      return {
        id: stored.id,
        type,
        source: this.source,
        subject,
        streamId: doc.stream,
        time: stored.time,
        data,
        dataschema: this.registry.get(type) ? `${this.schemaBaseUrl}/${type}/schema` : undefined,
        position: doc._id + i,
        streamVersion: doc.versions[i],
        correlationId: stored.correlationId,
        causationId: stored.causationId,
      };
    });
  }
}
