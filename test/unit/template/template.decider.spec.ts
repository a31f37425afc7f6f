import { TemplateCommand, templateDecider } from '../../../domain/entities/template/template.decider';
import { changedFields } from '../../../domain/shared/changed-fields';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import {
  TemplateDefined,
  TemplateEvent,
  TemplateRetired,
  TemplateUpdated,
} from '../../../domain/events/template/template.events';
import { fold } from '../../../domain/shared/decider';
import { DomainError } from '../../../domain/shared/domain-error';

/** Given-when-then over the pure decider: no database, no framework. */
const given = (...history: TemplateEvent[]) => ({
  when: (command: TemplateCommand) => {
    const decide = () => templateDecider.decide(command, fold(templateDecider, history));
    return {
      then: (expected: TemplateEvent[]) => expect(decide()).toEqual(expected),
      thenRefused: (kind: DomainError['kind'], message: RegExp) => {
        let error: unknown;
        try {
          decide();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).kind).toBe(kind);
        expect((error as DomainError).message).toMatch(message);
      },
    };
  },
});

const spec = (over: Partial<TemplateSpec> = {}): TemplateSpec => ({
  templateId: 'tpl-1',
  maxNumber: 10,
  attributes: { type: ['String', 'X86_64'], ncpus: ['Numeric', '2'], nram: ['Numeric', '4096'] },
  priceType: 'ondemand',
  imageId: 'ami-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0'],
  vmTypes: { 'm5.large': 1 },
  securityGroupIds: [],
  instanceTags: { team: 'hpc' },
  ...over,
});

const defined = (s = spec(), origin: 'api' | 'file' = 'file') => TemplateDefined.create({ spec: s, origin });
const define = (s: TemplateSpec, origin: 'api' | 'file' = 'api'): TemplateCommand => ({
  kind: 'define',
  spec: s,
  origin,
});
const retire = (mustExist: boolean, reason = 'no longer needed'): TemplateCommand => ({
  kind: 'retire',
  templateId: 'tpl-1',
  reason,
  mustExist,
});

describe('template decider', () => {
  describe('define', () => {
    it('defines a template that does not exist yet', () => {
      given()
        .when(define(spec(), 'api'))
        .then([defined(spec(), 'api')]);
    });

    it('records an update naming only the fields that changed, sorted', () => {
      const next = spec({ maxNumber: 20, instanceTags: { team: 'hpc', env: 'prod' } });
      given(defined())
        .when(define(next))
        .then([
          TemplateUpdated.create({ spec: next, changed: ['instanceTags', 'maxNumber'], origin: 'api' }),
        ]);
    });

    it('names a field that appears or disappears as changed', () => {
      const withKey = spec({ keyName: 'ops' });
      given(defined())
        .when(define(withKey))
        .then([TemplateUpdated.create({ spec: withKey, changed: ['keyName'], origin: 'api' })]);
      given(defined(withKey))
        .when(define(spec(), 'file'))
        .then([TemplateUpdated.create({ spec: spec(), changed: ['keyName'], origin: 'file' })]);
    });

    it('decides nothing for an unchanged template, whatever the order of its keys', () => {
      given(defined()).when(define(spec())).then([]);
      const reordered = JSON.parse(
        JSON.stringify({ ...spec(), attributes: { nram: ['Numeric', '4096'], ...spec().attributes } }),
      ) as TemplateSpec;
      const shuffled = Object.fromEntries(Object.entries(reordered).reverse()) as unknown as TemplateSpec;
      given(defined()).when(define(shuffled, 'file')).then([]);
    });

    it('decides on the latest state after several updates', () => {
      const v2 = spec({ maxNumber: 20 });
      const v3 = spec({ maxNumber: 30 });
      given(defined(), TemplateUpdated.create({ spec: v2, changed: ['maxNumber'], origin: 'api' }))
        .when(define(v2))
        .then([]);
      given(defined(), TemplateUpdated.create({ spec: v2, changed: ['maxNumber'], origin: 'api' }))
        .when(define(v3))
        .then([TemplateUpdated.create({ spec: v3, changed: ['maxNumber'], origin: 'api' })]);
    });

    it('defines a retired template again rather than updating it', () => {
      given(defined(), TemplateRetired.create({ templateId: 'tpl-1', reason: 'gone' }))
        .when(define(spec(), 'file'))
        .then([defined(spec(), 'file')]);
    });
  });

  describe('retire', () => {
    it('retires an active template with the reason given', () => {
      given(defined())
        .when(retire(true, 'removed from awsprov_templates.json'))
        .then([
          TemplateRetired.create({ templateId: 'tpl-1', reason: 'removed from awsprov_templates.json' }),
        ]);
    });

    it('refuses to retire an unknown template when it must exist, and is silent otherwise', () => {
      given()
        .when(retire(true))
        .thenRefused('not-found', /template 'tpl-1' does not exist/);
      given().when(retire(false)).then([]);
    });

    it('refuses to retire twice when it must exist, and is silent otherwise', () => {
      const history = [defined(), TemplateRetired.create({ templateId: 'tpl-1', reason: 'gone' })];
      given(...history)
        .when(retire(true))
        .thenRefused('conflict', /already retired/);
      given(...history)
        .when(retire(false))
        .then([]);
    });
  });

  describe('evolve', () => {
    it('folds to the spec of the last definition and keeps it when retired', () => {
      const v2 = spec({ maxNumber: 2 });
      expect(fold(templateDecider, [])).toEqual({ status: 'none' });
      expect(
        fold(templateDecider, [
          defined(),
          TemplateUpdated.create({ spec: v2, changed: ['maxNumber'], origin: 'api' }),
        ]),
      ).toEqual({ status: 'active', spec: v2 });
      expect(
        fold(templateDecider, [
          defined(),
          TemplateUpdated.create({ spec: v2, changed: ['maxNumber'], origin: 'api' }),
          TemplateRetired.create({ templateId: 'tpl-1', reason: 'x' }),
        ]),
      ).toEqual({ status: 'retired', spec: v2 });
    });

    it('ignores a retirement of a template it never saw', () => {
      expect(fold(templateDecider, [TemplateRetired.create({ templateId: 'tpl-1', reason: 'x' })])).toEqual({
        status: 'none',
      });
    });
  });

  describe('changedFields', () => {
    it('compares nested objects by content and arrays by order', () => {
      expect(changedFields(spec(), spec({ vmTypes: { 'm5.large': 1 } }))).toEqual([]);
      expect(
        changedFields(
          spec({ subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] }),
          spec({ subnetIds: ['subnet-0123456789abcdef1', 'subnet-0123456789abcdef0'] }),
        ),
      ).toEqual(['subnetIds']);
      expect(
        changedFields(spec(), spec({ attributes: { ...spec().attributes, ncpus: ['Numeric', '4'] } })),
      ).toEqual(['attributes']);
    });
  });
});
