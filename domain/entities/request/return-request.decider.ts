import {
  ReturnRequestEvent,
  ReturnRequested,
  ReturnedMachine,
} from '../../events/hostfactory/return-request.events';
import type { Decider } from '../../shared/decider';

export interface ReturnRequestState {
  exists: boolean;
  machines: ReturnedMachine[];
}

export type ReturnRequestCommand = { kind: 'request'; returnRequestId: string; machines: ReturnedMachine[] };

export const returnRequestDecider: Decider<ReturnRequestState, ReturnRequestCommand, ReturnRequestEvent> = {
  category: 'return',
  initialState: () => ({ exists: false, machines: [] }),
  decide: (command, state) =>
    state.exists
      ? []
      : [ReturnRequested.create({ returnRequestId: command.returnRequestId, machines: command.machines })],
  evolve: (_state, event) => ({ exists: true, machines: event.data.machines }),
};
