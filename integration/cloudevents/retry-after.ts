/**
 * Retry-After as RFC 9110 gives it: delay-seconds or an HTTP-date. Anything else is ignored and
 * the dispatcher's own backoff applies.
 */
export function parseRetryAfter(raw: string | null | undefined, now = Date.now()): number | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  // HTTP dates name their month; Date.parse alone would take "-5" or "1.5" for dates.
  if (!/[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
