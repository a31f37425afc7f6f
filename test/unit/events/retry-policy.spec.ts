import { backoffMs, retryDelayMs } from '../../../application/jobs/delivery/retry-policy';
import { parseRetryAfter } from '../../../integration/cloudevents/retry-after';

const settings = { backoffBaseMs: 100, backoffMaxMs: 1000, retryAfterMaxMs: 5000 };
const failure = { ok: false as const, reason: 'http_500', error: 'sink answered 500' };

describe('retries', () => {
  it('backs off exponentially, between half and all of each step, up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 30].map((a) => backoffMs(a, settings, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([1, 2, 3, 4, 5, 30].map((a) => backoffMs(a, settings, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    for (let i = 0; i < 50; i++) {
      const delay = backoffMs(3, settings);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it("takes a sink's Retry-After over its own backoff, up to a limit", () => {
    expect(retryDelayMs({ ...failure, retryAfterMs: 3000 }, 1, settings)).toBe(3000);
    expect(retryDelayMs({ ...failure, retryAfterMs: 60_000 }, 1, settings)).toBe(5000);
    expect(retryDelayMs(failure, 2, settings, () => 1)).toBe(200);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    for (const bad of [null, undefined, '', 'soon', '-5', '1.5'])
      expect(parseRetryAfter(bad, now)).toBeUndefined();
  });
});
