import { invalid } from '../../shared/domain-error';
import type { AttributeValue, TemplateSpec } from './template-spec';

/**
 * Reads one template in IBM's awsprov_templates.json format (plus providerApi / fleetType) into a
 * TemplateSpec, refusing the first bad field by name. Pure: user data is read by the caller.
 */
type Raw = Record<string, unknown>;

const KNOWN = new Set([
  'templateId',
  'maxNumber',
  'attributes',
  'priceType',
  'providerApi',
  'fleetType',
  'imageId',
  'subnetId',
  'subnetIds',
  'vmType',
  'vmTypes',
  'vmTypesOnDemand',
  'vmTypesPriority',
  'securityGroupIds',
  'keyName',
  'instanceProfile',
  'instanceTags',
  'rootDeviceVolumeSize',
  'volumeType',
  'iops',
  'userDataScript',
  'userData',
  'fleetRole',
  'maxSpotPrice',
  'allocationStrategy',
  'allocationStrategyOnDemand',
  'percentOnDemand',
  'poolsCount',
  'spotFleetRequestExpiry',
  'launchTemplateId',
  'launchTemplateVersion',
  'pgrpName',
  'onDemandCapacity',
  'availableNumber',
  'requestedMachines',
]);

const TEMPLATE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const AWS_ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{8,17}$`);

function oneOf<T extends string>(raw: Raw, key: string, allowed: readonly T[]): T | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw invalid(key, `${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function num(raw: Raw, key: string, min: number, max: number, integer = true): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max)
    throw invalid(key, `${key} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  return n;
}

function text(raw: Raw, key: string, pattern?: RegExp, hint?: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw invalid(key, `${key} must be a non-empty string`);
  if (pattern && !pattern.test(v)) throw invalid(key, `${key} must look like ${hint}`);
  return v;
}

function idList(raw: Raw, key: string, prefix: string): string[] {
  const v = raw[key];
  if (v === undefined || v === null) return [];
  const list =
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || !AWS_ID(prefix).test(s)))
    throw invalid(key, `${key} must be a ${prefix}-… id or a list of them`);
  return list as string[];
}

function weights(raw: Raw, key: string): Record<string, number> | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0)
    throw invalid(key, `${key} must be an object of instance type to number`);
  for (const [type, w] of Object.entries(v as Raw)) {
    if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(type))
      throw invalid(`${key}.${type}`, `${type} is not an instance type`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0)
      throw invalid(`${key}.${type}`, 'must be a positive number');
  }
  return v as Record<string, number>;
}

function attributes(raw: Raw): Record<string, AttributeValue> {
  const v = raw.attributes;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalid('attributes', 'attributes is required and must be an object');
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(v as Raw)) {
    const field = `attributes.${name}`;
    if (Array.isArray(value)) {
      const [type, val] = value;
      if (value.length !== 2 || !['String', 'Numeric', 'Boolean'].includes(type as string))
        throw invalid(field, `${field} must be [TYPE, "value"] with TYPE String, Numeric or Boolean`);
      if (type === 'Numeric' && !Number.isFinite(Number(val)))
        throw invalid(field, `${field} must hold a number`);
      out[name] = [type as AttributeValue[0], String(val)];
    } else if (typeof value === 'number') out[name] = ['Numeric', String(value)];
    else if (typeof value === 'boolean') out[name] = ['Boolean', String(value)];
    else if (typeof value === 'string')
      out[name] = [['ncpus', 'ncores', 'nram', 'rank'].includes(name) ? 'Numeric' : 'String', value];
    else throw invalid(field, `${field} must be a plain value or [TYPE, "value"]`);
  }
  if (!out.type) throw invalid('attributes.type', 'attributes.type is required (e.g. "X86_64")');
  for (const key of ['ncpus', 'nram'])
    if (!out[key]) throw invalid(`attributes.${key}`, `attributes.${key} is required`);
  for (const key of ['ncpus', 'ncores', 'nram'])
    if (out[key] && (out[key][0] !== 'Numeric' || !Number.isFinite(Number(out[key][1]))))
      throw invalid(`attributes.${key}`, `attributes.${key} must be Numeric`);
  return out;
}

export function parseInstanceTags(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'string')
    throw invalid('instanceTags', 'instanceTags must be a "key=value;key2=value2" string');
  const tags: Record<string, string> = {};
  for (const pair of value
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw invalid('instanceTags', `instanceTags entry "${pair}" must be key=value`);
    const key = pair.slice(0, at).trim();
    if (key.toLowerCase().startsWith('aws:'))
      throw invalid('instanceTags', `tag keys starting with aws: are reserved (${key})`);
    tags[key] = pair.slice(at + 1).trim();
  }
  return tags;
}

export const formatInstanceTags = (tags: Record<string, string>): string =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');

export interface ParseOptions {
  /**
   * Keys the format does not know: kept in `extra` (files may carry provider-specific keys) or
   * refused by name (the HTTP API, where an unknown key is a typo that would otherwise be lost).
   */
  unknownFields?: 'keep' | 'refuse';
}

export function parseTemplate(input: unknown, options: ParseOptions = {}): TemplateSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid('template', 'a template must be a JSON object');
  const raw = input as Raw;
  if (options.unknownFields === 'refuse') {
    const unknown = Object.keys(raw).find((k) => !KNOWN.has(k));
    if (unknown !== undefined) throw invalid(unknown, `${unknown} is not a template field`);
  }
  const templateId = text(raw, 'templateId', TEMPLATE_ID, 'at most 64 characters of [0-9A-Za-z_-]');
  if (!templateId) throw invalid('templateId', 'templateId is required');
  if (raw.maxNumber === undefined) throw invalid('maxNumber', 'maxNumber is required');
  const maxNumber = num(raw, 'maxNumber', -1, 10000)!;
  const priceType = oneOf(raw, 'priceType', ['ondemand', 'spot', 'heterogeneous'] as const) ?? 'ondemand';
  const vmType = text(raw, 'vmType', /^[a-z0-9-]+\.[a-z0-9-]+$/, 'an instance type such as m5.large');
  const vmTypes = weights(raw, 'vmTypes') ?? (vmType ? { [vmType]: 1 } : undefined);
  const launchTemplateId = text(raw, 'launchTemplateId', AWS_ID('lt'), 'lt-0123456789abcdef0');
  if (!vmTypes && !launchTemplateId)
    throw invalid('vmType', 'vmType or vmTypes is required (or a launchTemplateId)');
  const imageId = text(
    raw,
    'imageId',
    /^(ami-[0-9a-f]{8,17}|\/[A-Za-z0-9_.\-/]+|resolve:ssm:.+)$/,
    'ami-… or an SSM parameter path',
  );
  if (!imageId && !launchTemplateId) throw invalid('imageId', 'imageId is required (or a launchTemplateId)');
  const subnetIds = [...idList(raw, 'subnetId', 'subnet'), ...idList(raw, 'subnetIds', 'subnet')];
  const volumeType = oneOf(raw, 'volumeType', ['gp2', 'gp3', 'io1', 'io2', 'standard'] as const);
  const iops = num(raw, 'iops', 100, 256000);
  if (iops !== undefined && volumeType && !['gp3', 'io1', 'io2'].includes(volumeType))
    throw invalid('iops', `iops applies to gp3, io1 and io2 volumes, not ${volumeType}`);
  const fleetRole = text(
    raw,
    'fleetRole',
    /^(arn:aws[a-z-]*:iam::\d{12}:role\/.+|[\w+=,.@-]+)$/,
    'an IAM role ARN or name',
  );
  const providerApi = oneOf(raw, 'providerApi', ['RunInstances', 'EC2Fleet', 'SpotFleet', 'ASG'] as const);
  if ((providerApi === 'SpotFleet' || (!providerApi && priceType !== 'ondemand')) && !fleetRole)
    throw invalid(
      'fleetRole',
      'fleetRole is required for Spot Fleet templates (priceType spot or heterogeneous)',
    );
  const extra = Object.fromEntries(Object.entries(raw).filter(([k]) => !KNOWN.has(k)));
  const spec: TemplateSpec = {
    templateId,
    maxNumber,
    attributes: attributes(raw),
    priceType,
    providerApi,
    fleetType: oneOf(raw, 'fleetType', ['instant', 'request', 'maintain'] as const),
    imageId,
    subnetIds,
    vmTypes: vmTypes ?? {},
    vmTypesOnDemand: weights(raw, 'vmTypesOnDemand'),
    vmTypesPriority: weights(raw, 'vmTypesPriority'),
    securityGroupIds: idList(raw, 'securityGroupIds', 'sg'),
    keyName: text(raw, 'keyName'),
    instanceProfile: text(raw, 'instanceProfile'),
    instanceTags: parseInstanceTags(raw.instanceTags),
    rootDeviceVolumeSize: num(raw, 'rootDeviceVolumeSize', 1, 65536),
    volumeType,
    iops,
    userDataScript: text(raw, 'userDataScript'),
    userData: typeof raw.userData === 'string' ? raw.userData : undefined,
    fleetRole,
    maxSpotPrice: num(raw, 'maxSpotPrice', 0.0001, 10000, false),
    allocationStrategy: oneOf(raw, 'allocationStrategy', [
      'lowestPrice',
      'capacityOptimized',
      'capacityOptimizedPrioritized',
      'diversified',
      'priceCapacityOptimized',
    ] as const),
    allocationStrategyOnDemand: oneOf(raw, 'allocationStrategyOnDemand', [
      'lowestPrice',
      'prioritized',
    ] as const),
    percentOnDemand: num(raw, 'percentOnDemand', 0, 100),
    poolsCount: num(raw, 'poolsCount', 1, 100),
    spotFleetRequestExpiry: num(raw, 'spotFleetRequestExpiry', 1, 525600),
    launchTemplateId,
    launchTemplateVersion: text(
      raw,
      'launchTemplateVersion',
      /^(\d+|\$Latest|\$Default)$/,
      '1, $Latest or $Default',
    ),
    pgrpName: raw.pgrpName === null ? null : text(raw, 'pgrpName'),
    onDemandCapacity: num(raw, 'onDemandCapacity', 0, 10000),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
  return JSON.parse(JSON.stringify(spec)) as TemplateSpec;
}
