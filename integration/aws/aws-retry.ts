import type { AwsProviderConfig } from './aws-provider.config';
import { isTransient } from './aws-error.mapper';

/**
 * Every AWS call goes through here. Throttling and transient failures are retried with
 * exponential back-off and jitter (so that many pollers do not retry in step), and every attempt
 * has a deadline so that a silent endpoint fails the call instead of hanging Host Factory.
 * Creates are safe to retry because each carries a ClientToken; the other mutations set
 * absolute values (target capacity, termination) and so are idempotent too.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface AwsCallerOptions {
  mutate: RetryPolicy;
  describe: RetryPolicy;
  attemptTimeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type AwsCall<T> = (abortSignal: AbortSignal) => Promise<T>;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class AwsCaller {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: AwsCallerOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  /** Reads: retried with the describe settings (AWS_DESCRIBE_REQUEST_*). */
  describe<T>(call: AwsCall<T>): Promise<T> {
    return this.run(this.options.describe, call);
  }

  /**
   * Creates, modifies and terminations: retried with AWS_REQUEST_RETRY_ATTEMPTS. `alsoRetry`
   * adds errors that are transient for this call only (a fleet still `modifying`).
   */
  mutate<T>(call: AwsCall<T>, alsoRetry?: (error: unknown) => boolean): Promise<T> {
    return this.run(this.options.mutate, call, alsoRetry);
  }

  private async run<T>(
    policy: RetryPolicy,
    call: AwsCall<T>,
    alsoRetry?: (error: unknown) => boolean,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call(AbortSignal.timeout(this.options.attemptTimeoutMs));
      } catch (error) {
        if (attempt >= policy.retries || !(isTransient(error) || alsoRetry?.(error))) throw error;
        await this.sleep(this.backoff(policy, attempt));
      }
    }
  }

  /** "Equal jitter": at least half the exponential step, so throttled callers really slow down. */
  private backoff(policy: RetryPolicy, attempt: number): number {
    const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    return step / 2 + this.random() * (step / 2);
  }
}

export function callerFromConfig(
  config: AwsProviderConfig,
  overrides: Partial<AwsCallerOptions> = {},
): AwsCaller {
  return new AwsCaller({
    mutate: { retries: config.requestRetryAttempts, baseDelayMs: 250, maxDelayMs: 20000 },
    describe: {
      retries: config.describeRetryAttempts,
      baseDelayMs: Math.max(50, config.describeRequestIntervalMs),
      maxDelayMs: 20000,
    },
    // Room for a connection, a slow 1,000-instance page and the SDK's own parsing.
    attemptTimeoutMs: Math.max(30000, 3 * config.connectionTimeoutMs),
    ...overrides,
  });
}
