import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BackgroundProcessor, ProcessorSource } from '../background-processor';
import { HOST_FACTORY_SETTINGS, HostFactorySettings } from '../../settings';
import { CompleteStep } from './complete.step';
import { LaunchStep } from './launch.step';
import { ObserveStep } from './observe.step';
import { ReapStep } from './reap.step';
import { ReleaseStep } from './release.step';

/**
 * The process that drives Host Factory's requests, in one instance at a time (it holds a lease):
 * launch what was accepted, terminate what was returned, and every reconcile interval describe
 * everything that is not final, record what changed, complete requests, clean up and reap.
 * Everything it knows comes from the event store, so after a crash it picks up where it was.
 */
@Injectable()
export class HostFactoryReconciler implements BackgroundProcessor, ProcessorSource {
  readonly name = 'hostfactory:reconciler';
  readonly idleMs = 200;
  private readonly logger = new Logger('Reconciler');
  private wakeUp?: () => void;
  private lastCycle = 0;
  private eager = false;

  constructor(
    private readonly launch: LaunchStep,
    private readonly observe: ObserveStep,
    private readonly release: ReleaseStep,
    private readonly complete: CompleteStep,
    private readonly reap: ReapStep,
    @Inject(HOST_FACTORY_SETTINGS) private readonly settings: HostFactorySettings,
  ) {}

  processors(): BackgroundProcessor[] {
    return [this];
  }

  setWaker(wake: () => void): void {
    this.wakeUp = wake;
  }

  /** New work arrived (a request, a return): act now rather than at the next interval. */
  wake(): void {
    this.eager = true;
    this.wakeUp?.();
  }

  async runOnce(): Promise<boolean> {
    const eager = this.eager;
    this.eager = false;
    const launched = await this.launch.run();
    const released = await this.release.run();
    if (
      !eager &&
      launched === 0 &&
      released === 0 &&
      Date.now() - this.lastCycle < this.settings.reconcileIntervalMs
    )
      return false;
    this.lastCycle = Date.now();
    await this.observe.run();
    const reaped = await this.reap.unlisted();
    await this.release.run(reaped);
    await this.complete.run();
    await this.reap
      .strays(this.settings.reconcileIntervalMs * 10)
      .catch((error) => this.logger.warn(`stray scan failed: ${(error as Error).message}`));
    return false;
  }
}
