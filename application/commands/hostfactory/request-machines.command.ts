import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { requestDecider } from '../../../domain/entities/request/request.decider';
import { capacityOf, TemplateSpec } from '../../../domain/entities/template/template-spec';
import {
  TAG_DEPLOYMENT_ID,
  TAG_REQUEST_ID,
  TAG_TEMPLATE_ID,
} from '../../../domain/ports/cloud-provider.port';
import { invalid } from '../../../domain/shared/domain-error';
import { HostFactoryReconciler } from '../../jobs/hostfactory/host-factory.reconciler';
import { DISTRIBUTED_LOCK, DistributedLock } from '../../ports/distributed-lock.port';
import { READ_MODELS, ReadModels } from '../../ports/read-models.port';
import { TemplateView, templatesProjection } from '../../projections/templates.projection';
import { AggregateRepository } from '../../services/aggregate-repository';
import { KeyedMutex } from '../../services/keyed-mutex';
import { TemplateUsageService } from '../../services/template-usage.service';
import { HOST_FACTORY_SETTINGS, HostFactorySettings } from '../../settings';

export interface RequestMachinesResult {
  requestId: string;
  message: string;
}

/** requestMachines: accepts the request and returns at once; provisioning is asynchronous. */
export class RequestMachinesCommand extends Command<RequestMachinesResult> {
  constructor(
    readonly templateId: string,
    readonly machineCount: number,
    readonly rcAccount?: string,
  ) {
    super();
  }
}

@CommandHandler(RequestMachinesCommand)
export class RequestMachinesHandler implements ICommandHandler<
  RequestMachinesCommand,
  RequestMachinesResult
> {
  private readonly perTemplate = new KeyedMutex();

  constructor(
    private readonly aggregates: AggregateRepository,
    private readonly usage: TemplateUsageService,
    private readonly reconciler: HostFactoryReconciler,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(HOST_FACTORY_SETTINGS) private readonly settings: HostFactorySettings,
    @Inject(DISTRIBUTED_LOCK) private readonly lock: DistributedLock,
  ) {}

  async execute({
    templateId,
    machineCount,
    rcAccount,
  }: RequestMachinesCommand): Promise<RequestMachinesResult> {
    const templates = await this.readModels.view<TemplateView>(templatesProjection.name);
    const template = await templates.findOne({ _id: templateId });
    if (!template) throw invalid('template.templateId', `template '${templateId}' does not exist`);
    if (template.status !== 'active')
      throw invalid('template.templateId', `template '${templateId}' is retired: it takes no new requests`);
    const spec = template.spec;
    if (spec.maxNumber === 0)
      throw invalid('template.machineCount', `template '${templateId}' is disabled (maxNumber 0)`);
    // The check and the accept run one at a time per template, in this process and across every
    // instance on the database, and the check reads what all of them accepted: two requests can
    // never share the last units.
    return this.perTemplate.run(templateId, () =>
      this.lock.withLock(`capacity:${templateId}`, () => this.accept(spec, machineCount, rcAccount)),
    );
  }

  private async accept(
    spec: TemplateSpec,
    machineCount: number,
    rcAccount?: string,
  ): Promise<RequestMachinesResult> {
    const { templateId } = spec;
    const used = await this.usage.usedUnits(templateId, 'log-head');
    const available = Math.max(0, capacityOf(spec) - used);
    if (machineCount > available)
      throw invalid(
        'template.machineCount',
        `template '${templateId}' has ${available} available; ${machineCount} were requested`,
        {
          availableNumber: available,
        },
      );
    const requestId = `req-${randomUUID()}`;
    const tags = {
      ...spec.instanceTags,
      [TAG_REQUEST_ID]: requestId,
      [TAG_TEMPLATE_ID]: templateId,
      [TAG_DEPLOYMENT_ID]: this.settings.deploymentId,
    };
    await this.aggregates.handle(requestDecider, requestId, {
      kind: 'accept',
      data: {
        requestId,
        templateId,
        machineCount,
        template: spec,
        clientToken: requestId,
        tags,
        ...(rcAccount ? { rcAccount } : {}),
      },
    });
    this.reconciler.wake();
    return { requestId, message: 'Request VM success.' };
  }
}
