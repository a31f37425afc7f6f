import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent, EventMetadata, RecordedEvent } from '../../domain/events/domain-event';
import {
  EVENT_STORE,
  EventStore,
  WrongExpectedVersionError,
} from '../../domain/repositories/event-store.port';
import { Decider, streamIdOf } from '../../domain/shared/decider';

export interface Handled<S> {
  state: S;
  events: RecordedEvent[];
  /** Stream version after the command (unchanged when the command decided nothing). */
  version: number;
  /** Global position of the last event written, or 0 when nothing was written. */
  position: number;
}

const MAX_CONFLICT_RETRIES = 5;

/**
 * Loads an aggregate from its stream, lets the pure decider decide, appends with the version it
 * loaded. A version conflict means someone else decided first: load again and decide again, which
 * is safe because decide has no side effects.
 */
@Injectable()
export class AggregateRepository {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<S, C, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    id: string,
  ): Promise<{ state: S; version: number }> {
    const events = await this.store.readStream(streamIdOf(decider.category, id));
    const state = events.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
    return { state, version: events.length ? events[events.length - 1].streamVersion : 0 };
  }

  async handle<S, C, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    id: string,
    command: C,
    metadata?: EventMetadata & { commitId?: string },
  ): Promise<Handled<S>> {
    for (let attempt = 0; ; attempt++) {
      const { state, version } = await this.load(decider, id);
      const decided = decider.decide(command, state);
      if (decided.length === 0) return { state, events: [], version, position: 0 };
      try {
        const result = await this.store.append({
          streamId: streamIdOf(decider.category, id),
          events: decided,
          expectedVersion: version === 0 ? 'no-stream' : version,
          commitId: metadata?.commitId,
          metadata,
        });
        const next = decided.reduce((s, e) => decider.evolve(s, e), state);
        return {
          state: next,
          events: [...result.events],
          version: result.streamVersion,
          position: result.lastPosition,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }
}
