import type { DomainEvent } from '../domain-event';
import { defineEvent } from '../event-type';
import type { TemplateSpec } from '../../entities/template/template-spec';

const specSchema = {
  type: 'object',
  required: ['templateId', 'maxNumber', 'attributes', 'priceType', 'vmTypes'],
  properties: {
    templateId: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' },
    maxNumber: { type: 'integer', minimum: -1 },
    attributes: { type: 'object' },
    priceType: { enum: ['ondemand', 'spot', 'heterogeneous'] },
    vmTypes: { type: 'object', additionalProperties: { type: 'number' } },
  },
};

const exampleSpec: TemplateSpec = {
  templateId: 'OnDemand-Minimal-Template-VM',
  maxNumber: 10,
  attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '1'], nram: ['Numeric', '1024'] },
  priceType: 'ondemand',
  imageId: 'ami-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0'],
  vmTypes: { 'm5.large': 1 },
  securityGroupIds: [],
  instanceTags: { team: 'hpc' },
};

export const TemplateDefined = defineEvent<
  'io.openhostfactory.template.defined.v1',
  { spec: TemplateSpec; origin: 'api' | 'file' }
>({
  type: 'io.openhostfactory.template.defined.v1',
  description: 'A template was added to the catalog, or brought back after it was retired.',
  schema: {
    type: 'object',
    required: ['spec', 'origin'],
    properties: { spec: specSchema, origin: { enum: ['api', 'file'] } },
  },
  example: { spec: exampleSpec, origin: 'file' },
  public: true,
});

export const TemplateUpdated = defineEvent<
  'io.openhostfactory.template.updated.v1',
  { spec: TemplateSpec; changed: string[]; origin: 'api' | 'file' }
>({
  type: 'io.openhostfactory.template.updated.v1',
  description: 'A template in the catalog changed; `changed` names the fields.',
  schema: {
    type: 'object',
    required: ['spec', 'changed', 'origin'],
    properties: {
      spec: specSchema,
      changed: { type: 'array', items: { type: 'string' } },
      origin: { enum: ['api', 'file'] },
    },
  },
  example: { spec: { ...exampleSpec, maxNumber: 20 }, changed: ['maxNumber'], origin: 'api' },
  public: true,
});

export const TemplateRetired = defineEvent<
  'io.openhostfactory.template.retired.v1',
  { templateId: string; reason: string }
>({
  type: 'io.openhostfactory.template.retired.v1',
  description: 'A template was withdrawn: no new requests; requests made from it keep working.',
  schema: {
    type: 'object',
    required: ['templateId', 'reason'],
    properties: { templateId: { type: 'string' }, reason: { type: 'string' } },
  },
  example: { templateId: 'OnDemand-Minimal-Template-VM', reason: 'removed from awsprov_templates.json' },
  public: true,
});

export type TemplateEvent =
  | DomainEvent<typeof TemplateDefined.type, typeof TemplateDefined.example>
  | DomainEvent<typeof TemplateUpdated.type, typeof TemplateUpdated.example>
  | DomainEvent<typeof TemplateRetired.type, typeof TemplateRetired.example>;

export const TEMPLATE_EVENTS = [TemplateDefined, TemplateUpdated, TemplateRetired];
