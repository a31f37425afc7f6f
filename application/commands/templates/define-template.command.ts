import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { parseTemplate } from '../../../domain/entities/template/template.parser';
import { templateDecider } from '../../../domain/entities/template/template.decider';
import { invalid } from '../../../domain/shared/domain-error';
import { AggregateRepository } from '../../services/aggregate-repository';

export interface DefineTemplateResult {
  templateId: string;
  created: boolean;
  changed: string[];
  version: number;
}

/** PUT /v1/templates/{id}: adds or changes one template; an unchanged one records nothing. */
export class DefineTemplateCommand extends Command<DefineTemplateResult> {
  constructor(
    readonly templateId: string,
    readonly body: unknown,
  ) {
    super();
  }
}

@CommandHandler(DefineTemplateCommand)
export class DefineTemplateHandler implements ICommandHandler<DefineTemplateCommand, DefineTemplateResult> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({ templateId, body }: DefineTemplateCommand): Promise<DefineTemplateResult> {
    const spec = parseTemplate({ templateId, ...(body as object) }, { unknownFields: 'refuse' });
    if (
      (body as { templateId?: unknown }).templateId !== undefined &&
      (body as { templateId?: unknown }).templateId !== templateId
    )
      throw invalid('templateId', `templateId in the body must match the path (${templateId})`);
    const result = await this.aggregates.handle(templateDecider, templateId, {
      kind: 'define',
      spec,
      origin: 'api',
    });
    const event = result.events[0];
    return {
      templateId,
      created: event?.type === 'io.openhostfactory.template.defined.v1',
      changed: (event?.data as { changed?: string[] } | undefined)?.changed ?? [],
      version: result.version,
    };
  }
}
