/* The acquire and return request deciders, given-when-then: every command is idempotent. */
import {
  RequestCommand,
  requestDecider,
  RequestStatus,
} from '../../../domain/entities/request/request.decider';
import { returnRequestDecider } from '../../../domain/entities/request/return-request.decider';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import {
  RequestAccepted,
  RequestAcceptedData,
  RequestCapacityFailed,
  RequestCompleted,
  RequestEvent,
  RequestLaunched,
  RequestResourcesAdded,
  RequestResourcesReleased,
} from '../../../domain/events/hostfactory/request.events';
import { ReturnRequested } from '../../../domain/events/hostfactory/return-request.events';
import type { ProviderResource } from '../../../domain/ports/cloud-provider.port';
import { fold } from '../../../domain/shared/decider';

const REQ = 'req-5a0c6c8e';

const given = (...history: RequestEvent[]) => ({
  when: (command: RequestCommand) => {
    const decided = requestDecider.decide(command, fold(requestDecider, history));
    return {
      then(expected: RequestEvent[], status?: RequestStatus) {
        expect(decided).toEqual(expected);
        if (status) expect(fold(requestDecider, [...history, ...decided]).status).toBe(status);
      },
    };
  },
});

const template: TemplateSpec = {
  templateId: 'tpl-1',
  maxNumber: 10,
  attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'], nram: ['Numeric', '1024'] },
  priceType: 'ondemand',
  subnetIds: [],
  vmTypes: { 'm5.large': 1 },
  securityGroupIds: [],
  instanceTags: {},
};
const data: RequestAcceptedData = {
  requestId: REQ,
  templateId: 'tpl-1',
  machineCount: 2,
  template,
  clientToken: REQ,
  tags: { 'ohf:request-id': REQ },
};
const fleet: ProviderResource = { kind: 'ec2-fleet', id: 'fleet-0a1b', owned: true, fleetType: 'instant' };
const adminTemplate: ProviderResource = { kind: 'launch-template', id: 'lt-0c2d', owned: false };
const accepted = RequestAccepted.create(data);
const launch: RequestCommand = {
  kind: 'record-launch',
  resources: [fleet],
  failures: [],
  machineIds: ['i-1', 'i-2'],
};
const launched = RequestLaunched.create({
  requestId: REQ,
  resources: [fleet],
  failures: [],
  machineIds: ['i-1', 'i-2'],
});
const completed = RequestCompleted.create({ requestId: REQ, status: 'complete', succeeded: 2, failed: 0 });
const failure = { units: 1, code: 'InsufficientInstanceCapacity', message: 'no m5.large capacity' };

describe('acquire request decider', () => {
  it('accepts a request once', () => {
    given().when({ kind: 'accept', data }).then([accepted], 'accepted');
    given(accepted).when({ kind: 'accept', data }).then([]);
  });

  it('records the launch once: a relaunch after a crash decides nothing new', () => {
    given(accepted).when(launch).then([launched], 'provisioning');
    given(accepted, launched).when(launch).then([], 'provisioning');
    given(accepted, launched, completed).when(launch).then([], 'complete');
  });

  it('records nothing for a request never accepted', () => {
    const commands: RequestCommand[] = [
      launch,
      { kind: 'record-failure', failure },
      { kind: 'add-resources', resources: [fleet] },
      { kind: 'complete', status: 'complete', succeeded: 0, failed: 0 },
      { kind: 'release-resources' },
    ];
    for (const command of commands) given().when(command).then([], 'none');
  });

  it('records capacity failures until the request is final', () => {
    const failed = RequestCapacityFailed.create({ requestId: REQ, failure });
    given(accepted, launched).when({ kind: 'record-failure', failure }).then([failed]);
    given(accepted, launched, completed).when({ kind: 'record-failure', failure }).then([]);
    const state = fold(requestDecider, [accepted, launched, failed]);
    expect(state.failures).toEqual([failure]);
  });

  it('adds only resources it does not have yet', () => {
    const topUp: ProviderResource = {
      kind: 'ec2-fleet',
      id: 'fleet-0c2d',
      owned: true,
      fleetType: 'instant',
    };
    given(accepted, launched)
      .when({ kind: 'add-resources', resources: [fleet, topUp] })
      .then([RequestResourcesAdded.create({ requestId: REQ, resources: [topUp] })]);
    given(accepted, launched)
      .when({ kind: 'add-resources', resources: [fleet] })
      .then([]);
  });

  it('completes once, with the status decided first', () => {
    given(accepted, launched)
      .when({ kind: 'complete', status: 'complete', succeeded: 2, failed: 0 })
      .then([completed], 'complete');
    given(accepted, launched, completed)
      .when({ kind: 'complete', status: 'complete_with_error', succeeded: 1, failed: 1 })
      .then([], 'complete');
  });

  it('releases only the resources it created, once', () => {
    const withAdmin = RequestLaunched.create({
      requestId: REQ,
      resources: [fleet, adminTemplate],
      failures: [],
      machineIds: [],
    });
    const released = RequestResourcesReleased.create({ requestId: REQ, resources: [fleet] });
    given(accepted, withAdmin, completed).when({ kind: 'release-resources' }).then([released]);
    given(accepted, withAdmin, completed, released).when({ kind: 'release-resources' }).then([]);
  });
});

describe('return request decider', () => {
  const machines = [
    { machineId: 'i-1', name: 'ip-10-0-0-1.ec2.internal', known: true },
    { machineId: 'i-0123456789abcdef0', name: 'elsewhere', known: false },
  ];

  it('records the return once, with machines known and unknown', () => {
    const state = returnRequestDecider.initialState();
    const events = returnRequestDecider.decide(
      { kind: 'request', returnRequestId: 'ret-1', machines },
      state,
    );
    expect(events).toEqual([ReturnRequested.create({ returnRequestId: 'ret-1', machines })]);
    const after = fold(returnRequestDecider, events);
    expect(after).toEqual({ exists: true, machines });
    expect(
      returnRequestDecider.decide({ kind: 'request', returnRequestId: 'ret-1', machines: [] }, after),
    ).toEqual([]);
  });
});
