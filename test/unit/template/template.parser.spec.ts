import {
  formatInstanceTags,
  parseInstanceTags,
  parseTemplate,
} from '../../../domain/entities/template/template.parser';
import { DomainError } from '../../../domain/shared/domain-error';

/** A template as IBM's awsprov_templates.json writes it: plain attribute values, one subnet. */
const ibm = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  templateId: 'OnDemand-Minimal-Template-VM',
  maxNumber: 10,
  attributes: { type: 'X86_64', ncpus: '1', nram: '1024' },
  imageId: 'ami-0123456789abcdef0',
  subnetId: 'subnet-0123456789abcdef0',
  vmType: 'm5.large',
  ...over,
});

function refusal(input: unknown, options?: Parameters<typeof parseTemplate>[1]): DomainError {
  try {
    parseTemplate(input, options);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('template parser (IBM awsprov_templates.json format)', () => {
  it('reads a minimal IBM template into a normalised spec', () => {
    expect(parseTemplate(ibm())).toEqual({
      templateId: 'OnDemand-Minimal-Template-VM',
      maxNumber: 10,
      attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'], nram: ['Numeric', '1024'] },
      priceType: 'ondemand',
      imageId: 'ami-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abcdef0'],
      vmTypes: { 'm5.large': 1 },
      securityGroupIds: [],
      instanceTags: {},
    });
  });

  it('turns plain attribute values into [TYPE, "value"] and keeps typed ones', () => {
    const spec = parseTemplate(
      ibm({
        attributes: {
          type: 'X86_64',
          ncpus: 2,
          ncores: '1',
          nram: ['Numeric', '4096'],
          rank: '3',
          zone: 'us-east-1a',
          gpu: true,
          priceInfo: ['String', 'price:0.1'],
        },
      }),
    );
    expect(spec.attributes).toEqual({
      type: ['String', 'X86_64'],
      ncpus: ['Numeric', '2'],
      ncores: ['Numeric', '1'],
      nram: ['Numeric', '4096'],
      rank: ['Numeric', '3'],
      zone: ['String', 'us-east-1a'],
      gpu: ['Boolean', 'true'],
      priceInfo: ['String', 'price:0.1'],
    });
  });

  it('takes subnetId as one id, a comma-separated string or a list, and adds subnetIds', () => {
    const a = 'subnet-0123456789abcdef0';
    const b = 'subnet-0123456789abcdef1';
    expect(parseTemplate(ibm({ subnetId: a })).subnetIds).toEqual([a]);
    expect(parseTemplate(ibm({ subnetId: `${a}, ${b}` })).subnetIds).toEqual([a, b]);
    expect(parseTemplate(ibm({ subnetId: [a, b] })).subnetIds).toEqual([a, b]);
    expect(parseTemplate(ibm({ subnetId: undefined, subnetIds: [b] })).subnetIds).toEqual([b]);
    expect(parseTemplate(ibm({ subnetId: undefined })).subnetIds).toEqual([]);
  });

  it('takes vmType as one type of weight 1, or vmTypes with weights', () => {
    expect(parseTemplate(ibm({ vmType: 'c5.xlarge' })).vmTypes).toEqual({ 'c5.xlarge': 1 });
    const weighted = parseTemplate(
      ibm({
        vmType: undefined,
        vmTypes: { 'm5.large': 1, 'm5.xlarge': 2 },
        priceType: 'spot',
        fleetRole: 'aws-ec2-spot-fleet-tagging-role',
      }),
    );
    expect(weighted.vmTypes).toEqual({ 'm5.large': 1, 'm5.xlarge': 2 });
    expect(weighted.priceType).toBe('spot');
    // vmTypes wins over vmType when a file gives both.
    expect(parseTemplate(ibm({ vmTypes: { 'r5.large': 3 } })).vmTypes).toEqual({ 'r5.large': 3 });
    // A launch template may carry the instance type and image instead.
    const lt = parseTemplate(
      ibm({ vmType: undefined, imageId: undefined, launchTemplateId: 'lt-0123456789abcdef0' }),
    );
    expect(lt.vmTypes).toEqual({});
    expect(lt.launchTemplateId).toBe('lt-0123456789abcdef0');
  });

  it('reads instanceTags "k=v;k2=v2" into an object and writes it back', () => {
    expect(parseTemplate(ibm({ instanceTags: 'team=hpc;env=prod' })).instanceTags).toEqual({
      team: 'hpc',
      env: 'prod',
    });
    expect(parseInstanceTags(' a = 1 ; b=x=y; ')).toEqual({ a: '1', b: 'x=y' });
    expect(parseInstanceTags('')).toEqual({});
    expect(formatInstanceTags({ team: 'hpc', env: 'prod' })).toBe('team=hpc;env=prod');
  });

  it('accepts numbers written as strings, as IBM files often do', () => {
    const spec = parseTemplate(ibm({ maxNumber: '5', rootDeviceVolumeSize: '30' }));
    expect(spec.maxNumber).toBe(5);
    expect(spec.rootDeviceVolumeSize).toBe(30);
  });

  it('leaves no undefined values in the spec (it is stored as JSON)', () => {
    const spec = parseTemplate(ibm());
    expect(Object.values(spec).every((v) => v !== undefined)).toBe(true);
  });

  it('keeps provider-specific keys it does not know in `extra` for files', () => {
    expect(parseTemplate(ibm({ computeUnit: 'x' })).extra).toEqual({ computeUnit: 'x' });
  });

  it('refuses keys it does not know when asked to (the HTTP API)', () => {
    const error = refusal(ibm({ maxNumbr: 3 }), { unknownFields: 'refuse' });
    expect(error.field).toBe('maxNumbr');
    expect(error.message).toMatch(/maxNumbr is not a template field/);
    expect(parseTemplate(ibm(), { unknownFields: 'refuse' }).templateId).toBe('OnDemand-Minimal-Template-VM');
  });

  describe('refuses every bad field by name', () => {
    const spot = { priceType: 'spot', fleetRole: 'aws-ec2-spot-fleet-tagging-role' };
    const cases: [field: string, over: Record<string, unknown>][] = [
      ['template', { __notAnObject: true }],
      ['templateId', { templateId: undefined }],
      ['templateId', { templateId: 'has space' }],
      ['templateId', { templateId: 'x'.repeat(65) }],
      ['maxNumber', { maxNumber: undefined }],
      ['maxNumber', { maxNumber: 'ten' }],
      ['maxNumber', { maxNumber: 1.5 }],
      ['maxNumber', { maxNumber: 10001 }],
      ['maxNumber', { maxNumber: -2 }],
      ['attributes', { attributes: undefined }],
      ['attributes', { attributes: ['type', 'X86_64'] }],
      ['attributes.type', { attributes: { ncpus: '1', nram: '1024' } }],
      ['attributes.ncpus', { attributes: { type: 'X86_64', nram: '1024' } }],
      ['attributes.nram', { attributes: { type: 'X86_64', ncpus: '1' } }],
      ['attributes.ncpus', { attributes: { type: 'X86_64', ncpus: 'two', nram: '1024' } }],
      ['attributes.ncpus', { attributes: { type: 'X86_64', ncpus: ['String', '1'], nram: '1024' } }],
      ['attributes.nram', { attributes: { type: 'X86_64', ncpus: '1', nram: ['Numeric', 'lots'] } }],
      ['attributes.zone', { attributes: { type: 'X86_64', ncpus: '1', nram: '1', zone: ['Text', 'a'] } }],
      ['attributes.zone', { attributes: { type: 'X86_64', ncpus: '1', nram: '1', zone: ['String'] } }],
      ['attributes.zone', { attributes: { type: 'X86_64', ncpus: '1', nram: '1', zone: { a: 1 } } }],
      ['priceType', { priceType: 'cheap' }],
      ['providerApi', { providerApi: 'Lambda' }],
      ['fleetType', { fleetType: 'sometimes' }],
      ['imageId', { imageId: 'img-1' }],
      ['imageId', { imageId: undefined }],
      ['subnetId', { subnetId: 'sn-1' }],
      ['subnetId', { subnetId: 42 }],
      ['subnetIds', { subnetIds: ['subnet-0123456789abcdef0', 7] }],
      ['vmType', { vmType: 'large' }],
      ['vmType', { vmType: undefined }],
      ['vmTypes', { vmTypes: {} }],
      ['vmTypes', { vmTypes: ['m5.large'] }],
      ['vmTypes.large', { vmTypes: { large: 1 } }],
      ['vmTypes.m5.large', { vmTypes: { 'm5.large': 0 } }],
      ['vmTypesOnDemand.m5.large', { vmTypesOnDemand: { 'm5.large': 'one' } }],
      ['vmTypesPriority', { vmTypesPriority: 'm5.large' }],
      ['securityGroupIds', { securityGroupIds: ['group-1'] }],
      ['keyName', { keyName: '' }],
      ['instanceProfile', { instanceProfile: 5 }],
      ['instanceTags', { instanceTags: { team: 'hpc' } }],
      ['instanceTags', { instanceTags: 'team' }],
      ['instanceTags', { instanceTags: '=x' }],
      ['instanceTags', { instanceTags: 'aws:owner=me' }],
      ['rootDeviceVolumeSize', { rootDeviceVolumeSize: 0 }],
      ['volumeType', { volumeType: 'ssd' }],
      ['iops', { iops: 50 }],
      ['iops', { volumeType: 'gp2', iops: 3000 }],
      ['userDataScript', { userDataScript: '' }],
      ['fleetRole', { priceType: 'spot' }],
      ['fleetRole', { priceType: 'heterogeneous' }],
      ['fleetRole', { providerApi: 'SpotFleet' }],
      ['fleetRole', { ...spot, fleetRole: 'not a role!' }],
      ['maxSpotPrice', { ...spot, maxSpotPrice: 0 }],
      ['allocationStrategy', { ...spot, allocationStrategy: 'cheapest' }],
      ['allocationStrategyOnDemand', { allocationStrategyOnDemand: 'random' }],
      ['percentOnDemand', { percentOnDemand: 101 }],
      ['poolsCount', { poolsCount: 0 }],
      ['spotFleetRequestExpiry', { spotFleetRequestExpiry: 0 }],
      ['launchTemplateId', { launchTemplateId: 'lt-xyz' }],
      ['launchTemplateVersion', { launchTemplateVersion: 'latest' }],
      ['pgrpName', { pgrpName: 5 }],
      ['onDemandCapacity', { onDemandCapacity: -1 }],
    ];

    it.each(cases)('%s', (field, over) => {
      const input = '__notAnObject' in over ? 'not an object' : ibm(over);
      const error = refusal(input);
      expect(error.kind).toBe('validation');
      expect(error.field).toBe(field);
      expect(error.message.length).toBeGreaterThan(0);
    });

    it('has a refusal case for every template field the parser knows', () => {
      const covered = new Set(cases.map(([field]) => field.split('.')[0]));
      // The spec's fields, plus the input names the file format uses for two of them.
      const known = [...Object.keys(parseTemplate(ibm(everyField))), 'subnetId', 'vmType'];
      expect(known.length).toBeGreaterThan(30);
      expect(known.filter((k) => !covered.has(k))).toEqual([]);
    });
  });
});

/** Every optional field set, so the coverage check above sees the whole spec. */
const everyField: Record<string, unknown> = {
  priceType: 'heterogeneous',
  providerApi: 'EC2Fleet',
  fleetType: 'instant',
  vmTypesOnDemand: { 'm5.large': 1 },
  vmTypesPriority: { 'm5.large': 1 },
  securityGroupIds: ['sg-0123456789abcdef0'],
  keyName: 'ops',
  instanceProfile: 'hf-profile',
  instanceTags: 'team=hpc',
  rootDeviceVolumeSize: 30,
  volumeType: 'gp3',
  iops: 3000,
  userDataScript: 'user_data.sh',
  fleetRole: 'aws-ec2-spot-fleet-tagging-role',
  maxSpotPrice: 0.5,
  allocationStrategy: 'capacityOptimized',
  allocationStrategyOnDemand: 'prioritized',
  percentOnDemand: 50,
  poolsCount: 2,
  spotFleetRequestExpiry: 60,
  launchTemplateId: 'lt-0123456789abcdef0',
  launchTemplateVersion: '$Latest',
  pgrpName: 'group',
  onDemandCapacity: 1,
};
