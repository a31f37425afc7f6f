import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateSubscriptionCommand } from '../../application/commands/subscriptions/create-subscription.command';
import { DeleteSubscriptionCommand } from '../../application/commands/subscriptions/delete-subscription.command';
import { ResumeSubscriptionCommand } from '../../application/commands/subscriptions/resume-subscription.command';
import { UpdateSubscriptionCommand } from '../../application/commands/subscriptions/update-subscription.command';
import { GetSubscriptionQuery } from '../../application/queries/subscriptions/get-subscription.query';
import { ListSubscriptionsQuery } from '../../application/queries/subscriptions/list-subscriptions.query';
import type { SubscriptionResource } from '../../application/queries/subscriptions/subscription-resource';
import { invalid } from '../../domain/shared/domain-error';
import { Roles } from '../auth/roles.decorator';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './subscription.dto';

const SUBSCRIPTION_ID = /^[0-9A-Za-z_-]{1,64}$/;

function checkId(id: string): string {
  if (!SUBSCRIPTION_ID.test(id))
    throw invalid('id', 'a subscription id is at most 64 characters of [0-9A-Za-z_-]');
  return id;
}

/** The CloudEvents Subscriptions API over HTTP, plus resume for a paused or disabled subscription. */
@ApiTags('subscriptions')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateSubscriptionDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubscriptionResource> {
    const { subscriptionId } = await this.commands.execute(new CreateSubscriptionCommand(body));
    res.setHeader('Location', `/v1/subscriptions/${subscriptionId}`);
    return this.queries.execute(new GetSubscriptionQuery(subscriptionId));
  }

  @Get()
  async list(): Promise<{ subscriptions: SubscriptionResource[] }> {
    return { subscriptions: await this.queries.execute(new ListSubscriptionsQuery()) };
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<SubscriptionResource> {
    return this.queries.execute(new GetSubscriptionQuery(checkId(id)));
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: UpdateSubscriptionDto): Promise<SubscriptionResource> {
    await this.commands.execute(new UpdateSubscriptionCommand(checkId(id), body));
    return this.queries.execute(new GetSubscriptionQuery(id));
  }

  /** Answers the subscription as it was, as the Subscriptions API's Delete does. */
  @Delete(':id')
  @HttpCode(200)
  async delete(@Param('id') id: string): Promise<SubscriptionResource> {
    const existing = await this.queries.execute(new GetSubscriptionQuery(checkId(id)));
    await this.commands.execute(new DeleteSubscriptionCommand(id));
    return existing;
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Param('id') id: string): Promise<SubscriptionResource> {
    await this.commands.execute(new ResumeSubscriptionCommand(checkId(id)));
    return this.queries.execute(new GetSubscriptionQuery(id));
  }
}
