import type { RecordedEvent } from '../../events/domain-event';
import { invalid } from '../../shared/domain-error';

/**
 * Filter expressions in the dialects every CloudEvents Subscriptions API manager must support:
 * `exact`, `prefix` and `suffix` on context attributes, and `all`, `any`, `not` to combine them.
 */
export type FilterExpression =
  | { exact: Record<string, string> }
  | { prefix: Record<string, string> }
  | { suffix: Record<string, string> }
  | { all: FilterExpression[] }
  | { any: FilterExpression[] }
  | { not: FilterExpression };

/** Context attributes of an event in their string form, as the filters compare them. */
export type EventAttributes = Readonly<Record<string, string | undefined>>;

const DIALECTS = ['exact', 'prefix', 'suffix', 'all', 'any', 'not'] as const;
const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;
/** Nesting beyond this is no real filter, only a way to make every event expensive to match. */
const MAX_DEPTH = 8;

export function attributesOf(event: RecordedEvent): EventAttributes {
  return {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    subject: event.subject,
    time: event.time,
    datacontenttype: 'application/json',
    dataschema: event.dataschema,
    sequence: String(event.position),
    streamversion: String(event.streamVersion),
    correlationid: event.correlationId,
    causationid: event.causationId,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseComparison(raw: unknown, field: string): Record<string, string> {
  if (!isObject(raw) || Object.keys(raw).length === 0)
    throw invalid(field, `${field} must map at least one attribute name to a string`);
  for (const [name, value] of Object.entries(raw)) {
    if (!ATTRIBUTE_NAME.test(name))
      throw invalid(`${field}.${name}`, `${name} is not a CloudEvents attribute name (a-z, 0-9)`);
    if (typeof value !== 'string' || value === '')
      throw invalid(`${field}.${name}`, `${field}.${name} must be a non-empty string`);
  }
  return raw as Record<string, string>;
}

function parseExpression(raw: unknown, field: string, depth: number): FilterExpression {
  if (depth > MAX_DEPTH) throw invalid(field, `filters nest at most ${MAX_DEPTH} deep`);
  const keys = isObject(raw) ? Object.keys(raw) : [];
  if (!isObject(raw) || keys.length !== 1)
    throw invalid(field, `${field} must be an object with exactly one dialect: ${DIALECTS.join(', ')}`);
  const dialect = keys[0];
  const body = raw[dialect];
  const at = `${field}.${dialect}`;
  switch (dialect) {
    case 'exact':
    case 'prefix':
    case 'suffix':
      return { [dialect]: parseComparison(body, at) } as FilterExpression;
    case 'all':
    case 'any':
      if (!Array.isArray(body) || body.length === 0)
        throw invalid(at, `${at} must be a non-empty array of filter expressions`);
      return {
        [dialect]: body.map((e, i) => parseExpression(e, `${at}[${i}]`, depth + 1)),
      } as FilterExpression;
    case 'not':
      return { not: parseExpression(body, at, depth + 1) };
    default:
      throw invalid(field, `unsupported filter dialect '${dialect}'; supported: ${DIALECTS.join(', ')}`);
  }
}

/** Validates a `filters` array, naming the first offending element (`filters[1].any[0].exact.type`). */
export function parseFilters(raw: unknown, field = 'filters'): FilterExpression[] {
  if (!Array.isArray(raw)) throw invalid(field, `${field} must be an array of filter expressions`);
  return raw.map((e, i) => parseExpression(e, `${field}[${i}]`, 1));
}

function compare(
  pairs: Record<string, string>,
  attributes: EventAttributes,
  test: (actual: string, wanted: string) => boolean,
): boolean {
  return Object.entries(pairs).every(([name, wanted]) => {
    const actual = attributes[name];
    return actual !== undefined && test(actual, wanted);
  });
}

export function matches(expression: FilterExpression, attributes: EventAttributes): boolean {
  if ('exact' in expression) return compare(expression.exact, attributes, (a, w) => a === w);
  if ('prefix' in expression) return compare(expression.prefix, attributes, (a, w) => a.startsWith(w));
  if ('suffix' in expression) return compare(expression.suffix, attributes, (a, w) => a.endsWith(w));
  if ('all' in expression) return expression.all.every((e) => matches(e, attributes));
  if ('any' in expression) return expression.any.some((e) => matches(e, attributes));
  return !matches(expression.not, attributes);
}

/** Every expression must hold; no expression at all lets every event through. */
export const matchesAll = (filters: readonly FilterExpression[], attributes: EventAttributes): boolean =>
  filters.every((f) => matches(f, attributes));
