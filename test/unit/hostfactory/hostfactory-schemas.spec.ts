/*
 * The contract's schemas must accept hostfactory.md's own examples and refuse what breaks it:
 * otherwise every conformance check built on them would pass for nothing.
 */
import { violations } from '../../fixtures/hostfactory/hostfactory.schemas';

const machine = {
  machineId: 'i-0721bb06651cad7f1',
  name: 'ip-10-0-57-22.ec2.internal',
  result: 'succeed',
  status: 'terminated',
  privateIpAddress: '10.0.57.22',
  publicIpAddress: '',
  launchtime: 1734619942,
  message: '',
  priceType: 'ondemand',
  instanceType: 'r5n.2xlarge',
  instanceTags: '',
  cloudHostId: null,
};
const status = (request: Record<string, unknown>, m: Record<string, unknown> = {}) => ({
  requests: [
    {
      requestId: 'ret-84ffbee9',
      status: 'complete',
      message: '',
      machines: [{ ...machine, ...m }],
      ...request,
    },
  ],
});
const template = {
  templateId: 'OnDemand-Minimal-Template-VM',
  maxNumber: 10,
  availableNumber: 7,
  requestedMachines: ['ip-10-0-57-22.ec2.internal'],
  attributes: {
    type: ['String', 'X86_64'],
    ncpus: ['Numeric', '1'],
    ncores: ['Numeric', '1'],
    nram: ['Numeric', '1024'],
  },
  vmTypes: { 'm5.large': 1 },
  instanceTags: 'team=hpc;project=burst',
  pgrpName: null,
  onDemandCapacity: 0,
};

describe('the Host Factory schemas', () => {
  it("accept the reference's examples", () => {
    expect(
      violations('getAvailableTemplates', {
        message: 'Get available templates success.',
        templates: [template],
      }),
    ).toEqual([]);
    expect(violations('requestMachines', { requestId: 'req-1', message: 'Request VM success.' })).toEqual([]);
    expect(
      violations('requestReturnMachines', { requestId: 'ret-1', message: 'Delete VM success.' }),
    ).toEqual([]);
    expect(violations('getRequestStatus', status({}))).toEqual([]);
    expect(
      violations('getReturnRequests', {
        status: 'complete',
        message: 'Instances marked for termination retrieved successfully.',
        requests: [
          { machine: 'ip-10-0-57-7.ec2.internal', machineId: 'i-0e90ecb3228822f6f', gracePeriod: 0 },
        ],
      }),
    ).toEqual([]);
    expect(violations('scriptError', { message: 'the bearer token is not valid' })).toEqual([]);
  });

  it.each([
    ['launchtime not an integer', status({}, { launchtime: 1734619942.5 })],
    ['launchtime a string', status({}, { launchtime: '1734619942' })],
    ['result outside the enum', status({}, { result: 'done' })],
    [
      'a failed machine without a message',
      status({ status: 'complete_with_error', message: 'x' }, { result: 'fail', message: '' }),
    ],
    ['a status HF does not know', status({}, { status: 'unknown' })],
    ['priceType outside the enum', status({}, { priceType: 'reserved' })],
    ['instanceTags not k=v;k=v', status({}, { instanceTags: 'team:hpc' })],
    ['a succeeded machine without a name', status({}, { name: '' })],
    ['machineId missing', status({}, { machineId: undefined })],
    [
      'complete_with_error without a message',
      status({ status: 'complete_with_error', message: '' }, { result: 'fail', message: 'x' }),
    ],
    [
      'complete_with_error while a machine executes',
      status({ status: 'complete_with_error', message: 'x' }, { result: 'executing' }),
    ],
    ['complete while a machine executes', status({}, { result: 'executing' })],
    ['a request status outside the enum', status({ status: 'done' })],
  ])('getRequestStatus refuses %s', (_name, answer) => {
    expect(violations('getRequestStatus', JSON.parse(JSON.stringify(answer)))).not.toEqual([]);
  });

  it.each([
    [
      'an attribute value not a string',
      { ...template, attributes: { ...template.attributes, ncpus: ['Numeric', 1] } },
    ],
    ['a plain attribute value', { ...template, attributes: { ...template.attributes, type: 'X86_64' } }],
    ['ncpus not Numeric', { ...template, attributes: { ...template.attributes, ncpus: ['String', '1'] } }],
    ['nram missing', { ...template, attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'] } }],
    ['a templateId with a space', { ...template, templateId: 'a b' }],
    ['maxNumber over 10000', { ...template, maxNumber: 20000 }],
  ])('getAvailableTemplates refuses %s', (_name, bad) => {
    expect(violations('getAvailableTemplates', { templates: [bad] })).not.toEqual([]);
  });

  it('refuses the other answers when they break the contract', () => {
    expect(violations('requestMachines', { requestId: 'ret-1' })).not.toEqual([]);
    expect(violations('requestReturnMachines', { message: 'Delete VM success.' })).not.toEqual([]);
    expect(
      violations('getReturnRequests', { requests: [{ machine: 'h', machineId: 'i-1', gracePeriod: 121 }] }),
    ).not.toEqual([]);
    expect(
      violations('getReturnRequests', { requests: [{ machine: 'h', machineId: 'i-1', gracePeriod: 1.5 }] }),
    ).not.toEqual([]);
    expect(violations('scriptError', { message: 'x', detail: 'y' })).not.toEqual([]);
    expect(violations('scriptError', { message: '' })).not.toEqual([]);
    expect(violations('problem', { title: 'Bad Request', status: 400, detail: 'x' })).not.toEqual([]);
  });
});
