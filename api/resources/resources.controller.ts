import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SimulatedCloudActionCommand } from '../../application/commands/hostfactory/simulated-cloud.command';
import { GetRequestQuery } from '../../application/queries/resources/get-request.query';
import { ListMachinesQuery } from '../../application/queries/resources/list-machines.query';
import { ListRequestsQuery } from '../../application/queries/resources/list-requests.query';
import { Roles } from '../auth/roles.decorator';
import { ListMachinesParams, ListRequestsParams, MachineIdsDto } from './resources.dto';

/** Requests and machines for people and tools (Host Factory itself uses /hostfactory). */
@ApiTags('resources')
@ApiBearerAuth()
@Roles('hostfactory', 'admin')
@Controller('v1')
export class ResourcesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('requests')
  listRequests(@Query() params: ListRequestsParams) {
    return this.queries.execute(
      new ListRequestsQuery({
        state: params.status,
        kind: params.kind,
        templateId: params.templateId,
        limit: params.limit ?? 100,
      }),
    );
  }

  @Get('requests/:id')
  getRequest(@Param('id') id: string) {
    return this.queries.execute(new GetRequestQuery(id));
  }

  @Get('machines')
  listMachines(@Query() params: ListMachinesParams) {
    return this.queries.execute(
      new ListMachinesQuery({
        state: params.state,
        templateId: params.templateId,
        requestId: params.requestId,
        limit: params.limit ?? 1000,
      }),
    );
  }

  @Roles('admin')
  @Post('admin/simulated-cloud/reclaim')
  @HttpCode(200)
  reclaim(@Body() body: MachineIdsDto) {
    return this.commands.execute(new SimulatedCloudActionCommand('reclaim', body.machineIds));
  }

  @Roles('admin')
  @Post('admin/simulated-cloud/terminate')
  @HttpCode(200)
  terminate(@Body() body: MachineIdsDto) {
    return this.commands.execute(new SimulatedCloudActionCommand('terminate', body.machineIds));
  }
}
