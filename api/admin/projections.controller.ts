import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  PROJECTION_ADMIN,
  ProjectionAdmin,
  ProjectionStatus,
} from '../../application/ports/read-models.port';
import { DomainError } from '../../domain/shared/domain-error';
import { Roles } from '../auth/roles.decorator';
import { refuseBody } from '../problem/no-body';

/** Replay rebuilds a read model beside the live one; the live one serves until the switch. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/projections')
export class ProjectionsController {
  constructor(@Inject(PROJECTION_ADMIN) private readonly projections: ProjectionAdmin) {}

  @Get()
  async list(): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.projections.statuses() };
  }

  @Post('replay')
  @HttpCode(202)
  async replayAll(@Body() body: unknown): Promise<{ projections: ProjectionStatus[] }> {
    refuseBody(body);
    const projections: ProjectionStatus[] = [];
    for (const name of this.projections.names()) projections.push(await this.projections.requestReplay(name));
    return { projections };
  }

  @Post(':name/replay')
  @HttpCode(202)
  async replay(@Param('name') name: string, @Body() body: unknown): Promise<ProjectionStatus> {
    if (!this.projections.names().includes(name))
      throw new DomainError('not-found', `projection '${name}' does not exist`, 'name', { id: name });
    refuseBody(body);
    return this.projections.requestReplay(name);
  }
}
