/* The machine decider, given-when-then over plain values: no database, no framework. */
import {
  MachineCommand,
  machineDecider,
  MachineStatus,
} from '../../../domain/entities/machine/machine.decider';
import {
  MachineCloudStateChanged,
  MachineEvent,
  MachineFailed,
  MachineLaunched,
  MachineLaunchedData,
  MachineReclaimNoticed,
  MachineReleaseStarted,
  MachineReturnRequested,
  MachineRunning,
  MachineTerminated,
} from '../../../domain/events/hostfactory/machine.events';
import type { InstanceObservation, InstanceState } from '../../../domain/ports/cloud-provider.port';
import { fold } from '../../../domain/shared/decider';

const ID = 'i-0a1b2c3d4e5f60718';
const NAME = 'ip-10-0-57-22.ec2.internal';

const given = (...history: MachineEvent[]) => ({
  when: (command: MachineCommand) => {
    const decided = machineDecider.decide(command, fold(machineDecider, history));
    const after = fold(machineDecider, [...history, ...decided]);
    return {
      then(expected: MachineEvent[], status?: MachineStatus) {
        expect(decided).toEqual(expected);
        if (status) expect(after.status).toBe(status);
        return after;
      },
    };
  },
});

const launchData = (over: Partial<MachineLaunchedData> = {}): MachineLaunchedData => ({
  machineId: ID,
  requestId: 'req-1',
  templateId: 'tpl-1',
  instanceType: 'm5.large',
  priceType: 'ondemand',
  weight: 1,
  cloudState: 'pending',
  privateIpAddress: '10.0.57.22',
  launchTime: 1734619942,
  ...over,
});
const launched = MachineLaunched.create(launchData());
const running = MachineRunning.create({
  machineId: ID,
  name: NAME,
  privateIpAddress: '10.0.57.22',
  launchTime: 1734619942,
});
const seen = (state: InstanceState, over: Partial<InstanceObservation> = {}): MachineCommand => ({
  kind: 'observe',
  observation: { machineId: ID, state, priceType: 'ondemand', ...over },
});
const terminated = (reason?: string) =>
  MachineCloudStateChanged.create({ machineId: ID, cloudState: 'terminated', reason });

describe('machine decider', () => {
  describe('launch', () => {
    it('records a new machine, pending', () => {
      given().when({ kind: 'launch', data: launchData() }).then([launched], 'pending');
    });

    it('records it running at once when the cloud already gives its host name', () => {
      const data = launchData({ cloudState: 'running', name: NAME });
      given()
        .when({ kind: 'launch', data })
        .then(
          [
            MachineLaunched.create(data),
            MachineRunning.create({
              machineId: ID,
              name: NAME,
              privateIpAddress: '10.0.57.22',
              launchTime: 1734619942,
            }),
          ],
          'running',
        );
    });

    it('is idempotent: a relaunch after a crash records nothing new', () => {
      given(launched).when({ kind: 'launch', data: launchData() }).then([], 'pending');
      given(launched, running).when({ kind: 'launch', data: launchData() }).then([], 'running');
    });

    it('ignores every other command for a machine never launched', () => {
      given()
        .when(seen('running', { name: NAME }))
        .then([], 'none');
      given().when({ kind: 'return', returnRequestId: 'ret-1' }).then([], 'none');
    });
  });

  describe('observe', () => {
    it('pending → running needs the host name', () => {
      given(launched).when(seen('running')).then([], 'pending');
      given(launched)
        .when(seen('running', { name: NAME, privateIpAddress: '10.0.57.22', launchTime: 1734619942 }))
        .then([running], 'running');
    });

    it('records nothing when nothing changed', () => {
      given(launched).when(seen('pending')).then([]);
      given(launched, running)
        .when(seen('running', { name: NAME }))
        .then([]);
    });

    it('running → terminated without a return: the machine is lost', () => {
      given(launched, running)
        .when(seen('terminated', { stateReason: 'Client.UserInitiatedShutdown' }))
        .then(
          [
            terminated('Client.UserInitiatedShutdown'),
            MachineTerminated.create({ machineId: ID, cause: 'external' }),
          ],
          'lost',
        );
    });

    it('a machine the cloud no longer lists is gone, the same way', () => {
      given(launched, running)
        .when({ kind: 'observe', observation: 'missing' })
        .then(
          [
            terminated('no longer listed by the cloud'),
            MachineTerminated.create({ machineId: ID, cause: 'external' }),
          ],
          'lost',
        );
    });

    it('reclaim notice, then terminated: the machine is reclaimed', () => {
      const notice = MachineReclaimNoticed.create({ machineId: ID, deadline: 1734620062 });
      given(launched, running)
        .when(seen('running', { name: NAME, reclaimDeadline: 1734620062 }))
        .then([notice], 'running');
      given(launched, running, notice)
        .when(seen('running', { name: NAME, reclaimDeadline: 1734620062 }))
        .then([]);
      given(launched, running, notice)
        .when(seen('terminated', { stateReason: 'Server.SpotInstanceTermination' }))
        .then(
          [
            terminated('Server.SpotInstanceTermination'),
            MachineTerminated.create({ machineId: ID, cause: 'reclaimed' }),
          ],
          'reclaimed',
        );
    });

    it('shutting-down is not terminated', () => {
      const after = given(launched, running)
        .when(seen('shutting-down', { name: NAME }))
        .then(
          [
            MachineCloudStateChanged.create({
              machineId: ID,
              cloudState: 'shutting-down',
              reason: undefined,
            }),
          ],
          'running',
        );
      expect(after.cloudState).toBe('shutting-down');
    });

    it('terminated before it ran: the machine failed, with the reason', () => {
      given(launched)
        .when(seen('terminated', { stateReason: 'Server.InsufficientInstanceCapacity' }))
        .then(
          [
            terminated('Server.InsufficientInstanceCapacity'),
            MachineFailed.create({
              machineId: ID,
              code: 'TerminatedBeforeRunning',
              message: 'the cloud terminated the instance before it ran: Server.InsufficientInstanceCapacity',
            }),
            MachineTerminated.create({ machineId: ID, cause: 'failed' }),
          ],
          'failed',
        );
    });

    it('decides nothing more once the machine is final', () => {
      const lost = [
        launched,
        running,
        terminated(),
        MachineTerminated.create({ machineId: ID, cause: 'external' }),
      ];
      given(...lost)
        .when(seen('running', { name: NAME }))
        .then([], 'lost');
      given(...lost)
        .when({ kind: 'return', returnRequestId: 'ret-1' })
        .then([], 'lost');
      given(...lost)
        .when({ kind: 'fail', code: 'PendingTimeout', message: 'x' })
        .then([], 'lost');
    });
  });

  describe('return and release', () => {
    const returned = MachineReturnRequested.create({ machineId: ID, returnRequestId: 'ret-1' });
    const releasing = MachineReleaseStarted.create({ machineId: ID, cause: 'returned', message: undefined });

    it('a return marks a live machine once', () => {
      given(launched, running)
        .when({ kind: 'return', returnRequestId: 'ret-1' })
        .then([returned], 'returning');
      given(launched, running, returned)
        .when({ kind: 'return', returnRequestId: 'ret-2' })
        .then([], 'returning');
    });

    it('returned, released, shutting down, terminated: terminated because HF returned it', () => {
      given(launched, running, returned)
        .when({ kind: 'release-started', cause: 'returned' })
        .then([releasing], 'releasing');
      given(launched, running, returned, releasing)
        .when({ kind: 'release-started', cause: 'returned' })
        .then([]);
      given(launched, running, returned, releasing)
        .when(seen('shutting-down', { name: NAME }))
        .then(
          [
            MachineCloudStateChanged.create({
              machineId: ID,
              cloudState: 'shutting-down',
              reason: undefined,
            }),
          ],
          'releasing',
        );
      given(launched, running, returned, releasing)
        .when(seen('terminated'))
        .then([terminated(), MachineTerminated.create({ machineId: ID, cause: 'returned' })], 'terminated');
    });

    it('a machine failed for staying pending is released as failed and ends failed', () => {
      const failed = MachineFailed.create({
        machineId: ID,
        code: 'PendingTimeout',
        message: 'still pending after 180 s',
      });
      given(launched)
        .when({ kind: 'fail', code: 'PendingTimeout', message: 'still pending after 180 s' })
        .then([failed], 'pending');
      given(launched, failed).when({ kind: 'fail', code: 'PendingTimeout', message: 'again' }).then([]);
      const release = MachineReleaseStarted.create({
        machineId: ID,
        cause: 'failed',
        message: 'still pending after 180 s',
      });
      given(launched, failed)
        .when({ kind: 'release-started', cause: 'failed', message: 'still pending after 180 s' })
        .then([release], 'releasing');
      given(launched, failed, release)
        .when(seen('terminated'))
        .then([terminated(), MachineTerminated.create({ machineId: ID, cause: 'failed' })], 'failed');
    });
  });
});
