import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  DefineTemplateCommand,
  DefineTemplateResult,
} from '../../application/commands/templates/define-template.command';
import {
  ImportTemplatesCommand,
  ImportTemplatesResult,
} from '../../application/commands/templates/import-templates.command';
import { RetireTemplateCommand } from '../../application/commands/templates/retire-template.command';
import { GetTemplateQuery } from '../../application/queries/templates/get-template.query';
import { ListTemplatesQuery } from '../../application/queries/templates/list-templates.query';
import type { TemplateView } from '../../application/projections/templates.projection';
import { invalid } from '../../domain/shared/domain-error';
import { Roles } from '../auth/roles.decorator';
import { refuseBody } from '../problem/no-body';

const TEMPLATE_ID = /^[0-9A-Za-z_-]{1,64}$/;

function checkId(id: string): string {
  if (!TEMPLATE_ID.test(id))
    throw invalid('templateId', 'templateId must be at most 64 characters of [0-9A-Za-z_-]');
  return id;
}

function checkObject(body: unknown): object {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('body', 'the body must be a JSON object');
  return body;
}

@ApiTags('templates')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/templates')
export class TemplatesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  async list(@Query('includeRetired') includeRetired?: unknown): Promise<{ templates: TemplateView[] }> {
    if (includeRetired !== undefined && includeRetired !== 'true' && includeRetired !== 'false')
      throw invalid('includeRetired', 'includeRetired must be true or false');
    return { templates: await this.queries.execute(new ListTemplatesQuery(includeRetired === 'true')) };
  }

  /** Re-reads awsprov_templates.json: all of it or none of it. */
  @Post('import')
  @HttpCode(200)
  import(@Body() body: unknown): Promise<ImportTemplatesResult> {
    refuseBody(body);
    return this.commands.execute(new ImportTemplatesCommand());
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<TemplateView> {
    return this.queries.execute(new GetTemplateQuery(checkId(id)));
  }

  @Put(':id')
  put(@Param('id') id: string, @Body() body: unknown): Promise<DefineTemplateResult> {
    return this.commands.execute(new DefineTemplateCommand(checkId(id), checkObject(body)));
  }

  @Delete(':id')
  @HttpCode(200)
  retire(@Param('id') id: string): Promise<{ templateId: string; version: number }> {
    return this.commands.execute(new RetireTemplateCommand(checkId(id)));
  }
}
