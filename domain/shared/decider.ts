import type { DomainEvent } from '../events/domain-event';

/**
 * An aggregate as two pure functions: decide (state + command → new events) and evolve
 * (state + event → state). No I/O, no framework: tested given-when-then with plain values.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  readonly category: string;
  initialState(): State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

export function fold<S, C, E extends DomainEvent>(decider: Decider<S, C, E>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

export const streamIdOf = (category: string, id: string): string => `${category}-${id}`;
