import type { DomainEvent } from '../domain-event';
import { defineEvent } from '../event-type';

export interface ReturnedMachine {
  machineId: string;
  name: string;
  /** False when this provider never launched it: reported as failed, nothing is terminated. */
  known: boolean;
}

export const ReturnRequested = defineEvent<
  'io.openhostfactory.return.requested.v1',
  { returnRequestId: string; machines: ReturnedMachine[] }
>({
  type: 'io.openhostfactory.return.requested.v1',
  description: 'Host Factory gave machines back (requestReturnMachines).',
  schema: {
    type: 'object',
    required: ['returnRequestId', 'machines'],
    properties: {
      returnRequestId: { type: 'string' },
      machines: { type: 'array', items: { type: 'object' } },
    },
  },
  example: {
    returnRequestId: 'ret-1f2e3d4c',
    machines: [{ machineId: 'i-0a1b2c3d4e5f60718', name: 'ip-10-0-57-22.ec2.internal', known: true }],
  },
  public: true,
});

export type ReturnRequestEvent = DomainEvent<typeof ReturnRequested.type, typeof ReturnRequested.example>;

export const RETURN_REQUEST_EVENTS = [ReturnRequested];
