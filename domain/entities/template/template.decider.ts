import {
  TemplateDefined,
  TemplateEvent,
  TemplateRetired,
  TemplateUpdated,
} from '../../events/template/template.events';
import type { Decider } from '../../shared/decider';
import { conflict, notFound } from '../../shared/domain-error';
import type { TemplateSpec } from './template-spec';
import { changedFields } from '../../shared/changed-fields';

export type TemplateState =
  { status: 'none' } | { status: 'active'; spec: TemplateSpec } | { status: 'retired'; spec: TemplateSpec };

export type TemplateCommand =
  | { kind: 'define'; spec: TemplateSpec; origin: 'api' | 'file' }
  | { kind: 'retire'; templateId: string; reason: string; mustExist: boolean };

export const templateDecider: Decider<TemplateState, TemplateCommand, TemplateEvent> = {
  category: 'template',
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    if (command.kind === 'define') {
      const { spec, origin } = command;
      if (state.status !== 'active') return [TemplateDefined.create({ spec, origin })];
      const changed = changedFields(state.spec, spec);
      // An unchanged template makes no event: re-importing the same file is silent.
      return changed.length ? [TemplateUpdated.create({ spec, changed, origin })] : [];
    }
    if (state.status === 'active')
      return [TemplateRetired.create({ templateId: command.templateId, reason: command.reason })];
    if (state.status === 'none' && command.mustExist) throw notFound('template', command.templateId);
    if (state.status === 'retired' && command.mustExist)
      throw conflict(`template '${command.templateId}' is already retired`);
    return [];
  },
  evolve(state, event) {
    switch (event.type) {
      case TemplateDefined.type:
      case TemplateUpdated.type:
        return { status: 'active', spec: event.data.spec };
      case TemplateRetired.type:
        return state.status === 'none' ? state : { status: 'retired', spec: state.spec };
    }
  },
};
