import type { SinkOutcome } from '../../ports/event-sink.port';
import type { ConsumerSettings } from './consumer-settings';

type RetrySettings = Pick<ConsumerSettings, 'backoffBaseMs' | 'backoffMaxMs' | 'retryAfterMaxMs'>;

/**
 * Exponential backoff with "equal jitter": at least half the step, so a sink is never hammered,
 * and spread over the other half, so many subscriptions failing together do not retry in step.
 */
export function backoffMs(attempt: number, settings: RetrySettings, random = Math.random): number {
  const step = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** A sink that said when to come back (429 or 503 with Retry-After) is taken at its word, up to a limit. */
export function retryDelayMs(
  outcome: Extract<SinkOutcome, { ok: false }>,
  attempt: number,
  settings: RetrySettings,
  random = Math.random,
): number {
  if (outcome.retryAfterMs !== undefined) return Math.min(outcome.retryAfterMs, settings.retryAfterMaxMs);
  return backoffMs(attempt, settings, random);
}
