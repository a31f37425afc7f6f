import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { templateDecider } from '../../../domain/entities/template/template.decider';
import { parseTemplate } from '../../../domain/entities/template/template.parser';
import type { TemplateSpec } from '../../../domain/entities/template/template-spec';
import { DomainError, invalid } from '../../../domain/shared/domain-error';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { TEMPLATE_SOURCE, TemplateSource } from '../../ports/template-source.port';
import { TemplateView, templatesProjection } from '../../projections/templates.projection';
import { AggregateRepository } from '../../services/aggregate-repository';

export interface ImportTemplatesResult {
  file: string;
  defined: string[];
  updated: string[];
  retired: string[];
  unchanged: string[];
}

/**
 * Brings the catalog in line with awsprov_templates.json. The whole file is validated before
 * anything is recorded: one bad field refuses the file (file, template and field named) and the
 * catalog in force stays as it was. Templates no longer in the file are retired, not deleted.
 */
export class ImportTemplatesCommand extends Command<ImportTemplatesResult> {
  constructor(readonly path?: string) {
    super();
  }
}

@CommandHandler(ImportTemplatesCommand)
export class ImportTemplatesHandler implements ICommandHandler<
  ImportTemplatesCommand,
  ImportTemplatesResult
> {
  constructor(
    private readonly aggregates: AggregateRepository,
    @Inject(TEMPLATE_SOURCE) private readonly source: TemplateSource,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  async execute({ path }: ImportTemplatesCommand): Promise<ImportTemplatesResult> {
    const file = await this.source.read(path);
    const specs = this.validate(file.path, file.document, file.userData, file.unreadable);
    const result: ImportTemplatesResult = {
      file: file.path,
      defined: [],
      updated: [],
      retired: [],
      unchanged: [],
    };
    for (const spec of specs) {
      const handled = await this.aggregates.handle(templateDecider, spec.templateId, {
        kind: 'define',
        spec,
        origin: 'file',
      });
      const type = handled.events[0]?.type;
      if (!type) result.unchanged.push(spec.templateId);
      else if (type.endsWith('.defined.v1')) result.defined.push(spec.templateId);
      else result.updated.push(spec.templateId);
    }
    const inFile = new Set(specs.map((s) => s.templateId));
    const active = await (
      await this.readModels.view<TemplateView>(templatesProjection.name)
    ).find({ status: 'active' });
    for (const gone of active.filter((t) => !inFile.has(t._id))) {
      const reason = `removed from ${file.path}`;
      await this.aggregates.handle(templateDecider, gone._id, {
        kind: 'retire',
        templateId: gone._id,
        reason,
        mustExist: false,
      });
      result.retired.push(gone._id);
    }
    return result;
  }

  private validate(
    path: string,
    document: unknown,
    userData: Record<string, string>,
    unreadable: Record<string, string>,
  ): TemplateSpec[] {
    const templates = (document as { templates?: unknown })?.templates;
    if (!Array.isArray(templates))
      throw invalid('templates', `${path}: must hold {"templates": [...]}`, { file: path });
    const seen = new Set<string>();
    return templates.map((raw, index) => {
      const id = (raw as { templateId?: unknown })?.templateId;
      const where = typeof id === 'string' ? id : `#${index}`;
      try {
        const script = (raw as { userDataScript?: unknown })?.userDataScript;
        if (typeof script === 'string' && unreadable[script])
          throw invalid('userDataScript', `cannot read ${script}: ${unreadable[script]}`);
        const spec = parseTemplate(
          typeof script === 'string' ? { ...(raw as object), userData: userData[script] } : raw,
        );
        if (seen.has(spec.templateId))
          throw invalid('templateId', `templateId ${spec.templateId} appears twice`);
        seen.add(spec.templateId);
        return spec;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const field = `templates[${index}].${error.field ?? 'template'}`;
        throw invalid(field, `${path}: template ${where}: ${error.message}`, {
          file: path,
          templateId: where,
          field: error.field,
        });
      }
    });
  }
}
