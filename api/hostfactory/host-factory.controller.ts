import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequestMachinesCommand } from '../../application/commands/hostfactory/request-machines.command';
import { RequestReturnMachinesCommand } from '../../application/commands/hostfactory/request-return-machines.command';
import { GetAvailableTemplatesQuery } from '../../application/queries/hostfactory/get-available-templates.query';
import { GetRequestStatusQuery } from '../../application/queries/hostfactory/get-request-status.query';
import { GetReturnRequestsQuery } from '../../application/queries/hostfactory/get-return-requests.query';
import { Roles } from '../auth/roles.decorator';
import { HostFactoryMetricsInterceptor } from './host-factory-metrics.interceptor';
import {
  EmptyDto,
  ListedMachinesDto,
  RequestMachinesDto,
  RequestStatusDto,
  ReturnMachinesDto,
} from './host-factory.dto';
import { JsonObjectBodyInterceptor } from './json-object-body.interceptor';

/** The five Host Factory calls, taking and answering Host Factory's JSON so the scripts only pass it on. */
@ApiTags('hostfactory')
@ApiBearerAuth()
@Roles('hostfactory')
@UseInterceptors(HostFactoryMetricsInterceptor, JsonObjectBodyInterceptor)
@Controller('hostfactory')
export class HostFactoryController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('getAvailableTemplates')
  @HttpCode(200)
  @ApiOperation({ summary: 'Templates with maxNumber, availableNumber and attributes' })
  getAvailableTemplates(@Body() _body: EmptyDto) {
    return this.queries.execute(new GetAvailableTemplatesQuery());
  }

  @Post('requestMachines')
  @HttpCode(200)
  @ApiOperation({ summary: 'Starts an acquire request; answers at once with its req- id' })
  requestMachines(@Body() body: RequestMachinesDto) {
    const { templateId, machineCount, rc_account } = body.template;
    return this.commands.execute(new RequestMachinesCommand(templateId, machineCount, rc_account));
  }

  @Post('getRequestStatus')
  @HttpCode(200)
  @ApiOperation({ summary: 'Status of acquire (req-) and return (ret-) requests, several in one call' })
  getRequestStatus(@Body() body: RequestStatusDto) {
    return this.queries.execute(new GetRequestStatusQuery(body.requests.map((r) => r.requestId)));
  }

  @Post('requestReturnMachines')
  @HttpCode(200)
  @ApiOperation({ summary: 'Gives machines back; answers at once with a ret- id' })
  requestReturnMachines(@Body() body: ReturnMachinesDto) {
    return this.commands.execute(new RequestReturnMachinesCommand(body.machines));
  }

  @Post('getReturnRequests')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hosts the cloud is reclaiming or has taken; the machine list is a census' })
  getReturnRequests(@Body() body: ListedMachinesDto) {
    return this.queries.execute(new GetReturnRequestsQuery(body.machines));
  }
}
