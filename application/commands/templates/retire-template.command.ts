import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { templateDecider } from '../../../domain/entities/template/template.decider';
import { AggregateRepository } from '../../services/aggregate-repository';

/** DELETE /v1/templates/{id}: no new requests from it; its requests keep answering. */
export class RetireTemplateCommand extends Command<{ templateId: string; version: number }> {
  constructor(
    readonly templateId: string,
    readonly reason = 'retired by an administrator',
  ) {
    super();
  }
}

@CommandHandler(RetireTemplateCommand)
export class RetireTemplateHandler implements ICommandHandler<RetireTemplateCommand> {
  constructor(private readonly aggregates: AggregateRepository) {}

  async execute({
    templateId,
    reason,
  }: RetireTemplateCommand): Promise<{ templateId: string; version: number }> {
    const result = await this.aggregates.handle(templateDecider, templateId, {
      kind: 'retire',
      templateId,
      reason,
      mustExist: true,
    });
    return { templateId, version: result.version };
  }
}
