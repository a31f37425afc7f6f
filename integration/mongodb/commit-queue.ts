/**
 * Appends waiting for a global position in this process. They are flushed together (group
 * commit): one ordered insertMany puts many commits in a row, which is what lets one process
 * sustain thousands of appends a second on a round-trip-bound database.
 */
export interface PendingCommit<D> {
  /** Builds the document at a global position, on top of a stream version. */
  readonly build: (firstPosition: number, baseVersion: number) => D;
  readonly size: number;
  readonly streamId: string;
  /** Stream version the append was checked against. */
  readonly baseVersion: number;
  /** Expected version `any`: may be placed on top of another commit to the same stream in the batch. */
  readonly rebaseable: boolean;
  resolve(doc: D): void;
  reject(error: unknown): void;
}

export class CommitQueue<D> {
  private readonly pending: PendingCommit<D>[] = [];
  private flushing = false;

  constructor(
    private readonly flush: (batch: PendingCommit<D>[]) => Promise<PendingCommit<D>[]>,
    private readonly maxBatch = 256,
  ) {}

  enqueue(commit: Omit<PendingCommit<D>, 'resolve' | 'reject'>): Promise<D> {
    return new Promise<D>((resolve, reject) => {
      this.pending.push({ ...commit, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          // What the flush hands back could not be placed (lost a position race) and goes first again.
          const retry = await this.flush(batch);
          this.pending.unshift(...retry);
        } catch (error) {
          for (const commit of batch) commit.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
