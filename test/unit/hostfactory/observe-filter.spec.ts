/*
 * The observe step asks the machine decider only about observations that may change something
 * (mayChange): checked here against the decider itself, over every combination of machine and
 * observation, so the shortcut can never hide a change the decider would record.
 */
import { mayChange } from '../../../application/jobs/hostfactory/observe.step';
import {
  machineDecider,
  MachineState,
  MachineStatus,
} from '../../../domain/entities/machine/machine.decider';
import type { InstanceObservation, InstanceState } from '../../../domain/ports/cloud-provider.port';

const STATES: InstanceState[] = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];
const LIVE: MachineStatus[] = ['pending', 'running', 'returning', 'releasing'];
const NAME = 'ip-10-0-57-22.ec2.internal';

function* machines(): Generator<MachineState> {
  for (const status of LIVE)
    for (const cloudState of STATES.filter((s) => s !== 'terminated'))
      for (const reclaimDeadline of [undefined, 1734620062])
        yield {
          status,
          machineId: 'i-1',
          cloudState,
          ...(status === 'pending' ? {} : { name: NAME }),
          ...(reclaimDeadline ? { reclaimDeadline } : {}),
        };
}

function* observations(): Generator<InstanceObservation> {
  for (const state of STATES)
    for (const name of [undefined, NAME])
      for (const reclaimDeadline of [undefined, 1734620062])
        yield {
          machineId: 'i-1',
          state,
          priceType: 'spot',
          ...(name ? { name } : {}),
          ...(reclaimDeadline ? { reclaimDeadline } : {}),
        };
}

describe('the observe step shortcut (mayChange)', () => {
  it('lets through every observation the decider would record something for', () => {
    let checked = 0;
    let skipped = 0;
    for (const machine of machines())
      for (const observation of observations()) {
        const decided = machineDecider.decide({ kind: 'observe', observation }, machine);
        const asked = mayChange(
          machine as Required<Pick<MachineState, 'status' | 'cloudState'>>,
          observation,
        );
        if (decided.length > 0)
          expect({ machine, observation, asked }).toEqual({ machine, observation, asked: true });
        if (!asked) skipped++;
        checked++;
      }
    expect(checked).toBe(4 * 5 * 2 * 6 * 2 * 2);
    // And it does skip: an unchanged machine costs no stream read.
    expect(skipped).toBeGreaterThan(0);
  });

  it('skips a running machine the cloud still reports running', () => {
    const machine = { status: 'running' as const, cloudState: 'running' as const };
    expect(
      mayChange(machine, { machineId: 'i-1', state: 'running', name: NAME, priceType: 'ondemand' }),
    ).toBe(false);
    expect(mayChange(machine, { machineId: 'i-1', state: 'shutting-down', priceType: 'ondemand' })).toBe(
      true,
    );
    expect(
      mayChange(machine, {
        machineId: 'i-1',
        state: 'running',
        priceType: 'spot',
        reclaimDeadline: 1734620062,
      }),
    ).toBe(true);
  });
});
