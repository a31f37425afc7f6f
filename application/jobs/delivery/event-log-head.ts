import type { EventStore } from '../../../domain/repositories/event-store.port';

/** Appends made by this process are seen this fast; other instances' at the poll interval. */
const LOCAL_CHECK_MS = 5;

/**
 * The head of the event log as this process knows it, shared by every dispatcher and live stream:
 * one cheap look at this process's own appends every few milliseconds and one query per poll
 * interval for other instances', instead of each reader polling MongoDB on its own.
 */
export class EventLogHead {
  private head = 0;
  private readonly listeners = new Set<() => void>();
  private timer?: ReturnType<typeof setInterval>;
  private lastPollAt = 0;
  private polling = false;

  constructor(
    private readonly store: EventStore,
    private readonly pollMs: number,
  ) {}

  known(): number {
    return this.head;
  }

  /** Calls `listener` whenever the head moves on; returns the way to stop listening. */
  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), LOCAL_CHECK_MS);
      this.timer.unref?.();
      this.lastPollAt = 0;
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Resolves once the head is past `position`, after `timeoutMs`, or when `signal` aborts. */
  waitBeyond(position: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.head > position || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let stopListening = (): void => undefined;
      const done = (): void => {
        clearTimeout(timer);
        stopListening();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      stopListening = this.onAdvance(() => {
        if (this.head > position) done();
      });
    });
  }

  private tick(): void {
    this.advance(this.store.lastAppendedPosition());
    if (this.polling || Date.now() - this.lastPollAt < this.pollMs) return;
    this.polling = true;
    this.lastPollAt = Date.now();
    this.store
      .headPosition()
      .then((head) => this.advance(head))
      .catch(() => undefined)
      .finally(() => {
        this.polling = false;
      });
  }

  private advance(head: number): void {
    if (head <= this.head) return;
    this.head = head;
    for (const listener of [...this.listeners]) listener();
  }
}
