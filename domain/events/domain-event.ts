/**
 * A domain event as the domain sees it: a stable, versioned reverse-DNS type and its data.
 * Everything the event store adds (id, position, time, correlation) lives on RecordedEvent.
 */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/** The CloudEvent attributes and extensions the event store keeps with every event. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  /** CloudEvent id: chosen once when the event is decided, never changed by replays or redelivery. */
  readonly id: string;
  readonly type: E['type'];
  readonly source: string;
  /** The aggregate id (the stream's id without its category prefix). */
  readonly subject: string;
  readonly streamId: string;
  readonly time: string;
  readonly data: E['data'];
  readonly dataschema?: string;
  /** Global position over all streams, strictly increasing, never reused (CloudEvents `sequence`). */
  readonly position: number;
  /** 1-based version of the event in its stream. */
  readonly streamVersion: number;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
}
