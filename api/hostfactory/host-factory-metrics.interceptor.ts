import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { METRIC, METRICS, MetricsRecorder } from '../../application/ports/metrics.port';

/** Host Factory calls by operation and outcome, and how long each took. */
@Injectable()
export class HostFactoryMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(METRICS) private readonly metrics: MetricsRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operation = context.getHandler().name;
    const started = process.hrtime.bigint();
    const record = (outcome: string): void => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.increment(METRIC.hostFactoryCalls, { operation, outcome });
      this.metrics.observe(METRIC.hostFactoryCallDuration, { operation }, seconds);
    };
    return next.handle().pipe(
      tap({
        next: () => record('ok'),
        error: (error: { status?: number; getStatus?: () => number }) =>
          record(String(error?.getStatus?.() ?? error?.status ?? 500)),
      }),
    );
  }
}
