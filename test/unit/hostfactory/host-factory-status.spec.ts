/*
 * hostfactory.md's result table, row by row, for both kinds of request, and the request status
 * rules built on it. Pure functions: no database.
 */
import type { MachineStatus } from '../../../domain/entities/machine/machine.decider';
import {
  acquireResult,
  acquireStatus,
  AcquireFacts,
  HfResult,
  MachineFacts,
  returnResult,
  returnStatus,
} from '../../../domain/entities/request/host-factory-status';
import type { InstanceState } from '../../../domain/ports/cloud-provider.port';

const NAME = 'ip-10-0-57-22.ec2.internal';

const machine = (
  status: MachineStatus,
  cloudState: InstanceState | undefined,
  over: Partial<MachineFacts> = {},
): MachineFacts => ({
  status,
  cloudState,
  weight: 1,
  ...over,
});

/** Our machine status that goes with a cloud state, in an acquire request and in a return request. */
interface Row {
  row: string;
  acquire?: [MachineFacts, HfResult];
  return?: [MachineFacts, HfResult];
}

const TABLE: Row[] = [
  {
    row: 'pending',
    acquire: [machine('pending', 'pending'), 'executing'],
    return: [machine('returning', 'pending'), 'executing'],
  },
  {
    row: 'running, host name known',
    acquire: [machine('running', 'running', { name: NAME }), 'succeed'],
    return: [machine('releasing', 'running', { name: NAME }), 'executing'],
  },
  {
    row: 'running, host name not yet known',
    acquire: [machine('pending', 'running'), 'executing'],
    return: [machine('returning', 'running'), 'executing'],
  },
  {
    row: 'shutting-down',
    acquire: [machine('running', 'shutting-down', { name: NAME }), 'fail'],
    return: [machine('releasing', 'shutting-down', { name: NAME }), 'executing'],
  },
  {
    row: 'stopping',
    acquire: [machine('running', 'stopping', { name: NAME }), 'fail'],
    return: [machine('releasing', 'stopping', { name: NAME }), 'executing'],
  },
  {
    row: 'terminated',
    acquire: [machine('terminated', 'terminated', { name: NAME }), 'fail'],
    return: [machine('terminated', 'terminated', { name: NAME }), 'succeed'],
  },
  {
    row: 'stopped',
    acquire: [machine('running', 'stopped', { name: NAME }), 'fail'],
    return: [machine('releasing', 'stopped', { name: NAME }), 'succeed'],
  },
  {
    // Gone: the cloud no longer lists it; the decider records it terminated (lost when HF did not ask).
    row: 'gone',
    acquire: [machine('lost', 'terminated', { name: NAME }), 'fail'],
    return: [machine('lost', 'terminated', { name: NAME }), 'succeed'],
  },
];

describe('the result of a machine (hostfactory.md table)', () => {
  describe.each(TABLE)('cloud state $row', ({ acquire, return: ret }) => {
    it('in an acquire request', () => {
      const [facts, expected] = acquire!;
      expect(acquireResult(facts)).toBe(expected);
    });
    it('in a return request', () => {
      const [facts, expected] = ret!;
      expect(returnResult(facts)).toBe(expected);
    });
  });

  it('a machine not yet described by the cloud is executing', () => {
    expect(acquireResult(machine('pending', undefined))).toBe('executing');
  });

  it('a machine that failed (pending timeout) while still pending is executing until the cloud takes it', () => {
    expect(acquireResult(machine('pending', 'pending', { message: 'still pending after 180 s' }))).toBe(
      'executing',
    );
    expect(acquireResult(machine('releasing', 'shutting-down'))).toBe('fail');
    expect(acquireResult(machine('failed', 'terminated'))).toBe('fail');
  });

  it('every final status fails in an acquire request, whatever the cloud last said', () => {
    for (const status of ['terminated', 'failed', 'lost', 'reclaimed'] as const)
      expect(acquireResult(machine(status, 'running', { name: NAME }))).toBe('fail');
  });

  it('a machine this provider does not know fails in a return request', () => {
    expect(returnResult(undefined)).toBe('fail');
  });

  it('a returned machine that is already reclaimed or lost has succeeded once terminated', () => {
    expect(returnResult(machine('reclaimed', 'terminated'))).toBe('succeed');
    expect(returnResult(machine('lost', 'shutting-down'))).toBe('executing');
  });
});

describe('the status of an acquire request', () => {
  const facts = (over: Partial<AcquireFacts> = {}): AcquireFacts => ({
    machineCount: 2,
    failedUnits: 0,
    ...over,
  });
  const up = machine('running', 'running', { name: NAME });
  const coming = machine('pending', 'pending');
  const failed = machine('failed', 'terminated');

  it('is running before the launch, while nothing is known', () => {
    expect(acquireStatus(facts(), [])).toBe('running');
  });

  it('is running while a machine executes, even if another failed', () => {
    expect(acquireStatus(facts(), [up, coming])).toBe('running');
    expect(acquireStatus(facts(), [failed, coming])).toBe('running');
  });

  it('is running while units are still expected from the cloud', () => {
    expect(acquireStatus(facts({ machineCount: 3 }), [up, up])).toBe('running');
  });

  it('is complete when every machine succeeded', () => {
    expect(acquireStatus(facts(), [up, up])).toBe('complete');
  });

  it('counts weighted units, not machines', () => {
    const heavy = { ...up, weight: 2 };
    expect(acquireStatus(facts({ machineCount: 4 }), [heavy])).toBe('running');
    expect(acquireStatus(facts({ machineCount: 4 }), [heavy, heavy])).toBe('complete');
  });

  it('is complete_with_error once nothing executes and a machine failed', () => {
    expect(acquireStatus(facts(), [up, failed])).toBe('complete_with_error');
    expect(acquireStatus(facts(), [up, machine('running', 'shutting-down', { name: NAME })])).toBe(
      'complete_with_error',
    );
  });

  it('is complete_with_error when the cloud refused units', () => {
    expect(acquireStatus(facts({ failedUnits: 1 }), [up])).toBe('complete_with_error');
    expect(acquireStatus(facts({ failedUnits: 2 }), [])).toBe('complete_with_error');
  });

  it('is never complete_with_error while a machine executes, whatever failed', () => {
    expect(acquireStatus(facts({ failedUnits: 1 }), [coming])).toBe('running');
  });

  it('keeps the status the reconciler recorded', () => {
    expect(acquireStatus(facts({ completedAs: 'complete' }), [failed])).toBe('complete');
    expect(acquireStatus(facts({ completedAs: 'complete_with_error' }), [up])).toBe('complete_with_error');
  });
});

describe('the status of a return request', () => {
  it('is running while a machine executes (shutting-down is not terminated)', () => {
    expect(returnStatus(['succeed', 'executing'])).toBe('running');
    expect(returnStatus(['fail', 'executing'])).toBe('running');
  });

  it('is complete when every machine is done', () => {
    expect(returnStatus(['succeed', 'succeed'])).toBe('complete');
    expect(returnStatus([])).toBe('complete');
  });

  it('is complete_with_error when a machine was not known', () => {
    expect(returnStatus(['succeed', 'fail'])).toBe('complete_with_error');
  });
});
