import type { RecordedEvent } from '../../events/domain-event';
import type { EventTypeDefinition } from '../../events/event-type';
import { invalid } from '../../shared/domain-error';
import { attributesOf, FilterExpression, matchesAll, parseFilters } from './event-filter';
import { parseSink } from './sink-address';

export type ContentMode = 'binary' | 'structured';

/** HTTP protocol settings of the Subscriptions API, plus the CloudEvents HTTP content mode. */
export interface HttpProtocolSettings {
  headers: Record<string, string>;
  method: 'POST' | 'PUT';
  contentmode: ContentMode;
}

/** What a consumer asked for, shaped after the CloudEvents Subscriptions API subscription object. */
export interface SubscriptionSpec {
  sink: string;
  protocol: 'HTTP';
  types?: string[];
  filters?: FilterExpression[];
  protocolsettings: HttpProtocolSettings;
}

/** Where delivery starts: new events only, the whole log, or the event at a given position onwards. */
export type StartFrom = 'now' | 'beginning' | number;

/** The event types consumers see: subscriptions, the live stream, the log API and the catalog. */
export const publicTypesOf = (definitions: readonly EventTypeDefinition[]): ReadonlySet<string> =>
  new Set(definitions.filter((d) => d.public).map((d) => d.type));

export interface SpecRules {
  allowedHosts: readonly string[];
  /** Event types consumers can receive; a subscription naming another type is refused as a typo. */
  publicTypes: ReadonlySet<string>;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const HEADER_VALUE = /^[\x20-\x7e\x80-\xff\t]{0,4096}$/;
/** Headers the HTTP binding and the transport set themselves. */
const RESERVED_HEADER = /^(content-type|content-length|host|transfer-encoding|connection|ce-.*)$/i;
const MAX_HEADERS = 32;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseHeaders(raw: unknown): Record<string, string> {
  const field = 'protocolsettings.headers';
  if (raw === undefined) return {};
  if (!isObject(raw)) throw invalid(field, `${field} must map header names to strings`);
  const entries = Object.entries(raw);
  if (entries.length > MAX_HEADERS) throw invalid(field, `${field} may hold at most ${MAX_HEADERS} headers`);
  for (const [name, value] of entries) {
    const at = `${field}.${name}`;
    if (!HEADER_NAME.test(name)) throw invalid(at, `${name} is not a valid HTTP header name`);
    if (RESERVED_HEADER.test(name)) throw invalid(at, `${name} is set by the CloudEvents HTTP binding`);
    if (typeof value !== 'string' || !HEADER_VALUE.test(value))
      throw invalid(at, `${at} must be a single-line string of at most 4096 characters`);
  }
  return raw as Record<string, string>;
}

function parseSettings(raw: unknown): HttpProtocolSettings {
  if (raw !== undefined && !isObject(raw))
    throw invalid('protocolsettings', 'protocolsettings must be an object');
  const settings = raw ?? {};
  const method = settings.method ?? 'POST';
  if (method !== 'POST' && method !== 'PUT')
    throw invalid('protocolsettings.method', 'protocolsettings.method must be POST or PUT');
  const contentmode = settings.contentmode ?? 'binary';
  if (contentmode !== 'binary' && contentmode !== 'structured')
    throw invalid(
      'protocolsettings.contentmode',
      'protocolsettings.contentmode must be binary or structured',
    );
  return { headers: parseHeaders(settings.headers), method, contentmode };
}

function parseTypes(raw: unknown, publicTypes: ReadonlySet<string>): string[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid('types', 'types must be a non-empty array of event types');
  raw.forEach((type, i) => {
    if (typeof type !== 'string' || type === '')
      throw invalid(`types[${i}]`, `types[${i}] must be a non-empty string`);
    if (!publicTypes.has(type))
      throw invalid(
        `types[${i}]`,
        `${type} is not an event type this service publishes (GET /v1/events/types)`,
      );
  });
  return [...new Set(raw as string[])];
}

/** Reads a subscription as POSTed or PUT, refusing the first bad field by name. */
export function parseSubscriptionSpec(body: unknown, rules: SpecRules): SubscriptionSpec {
  if (!isObject(body)) throw invalid('body', 'the body must be a JSON object');
  if (body.protocol !== 'HTTP') throw invalid('protocol', 'protocol must be "HTTP" (the only one delivered)');
  const spec: SubscriptionSpec = {
    sink: parseSink(body.sink, rules.allowedHosts),
    protocol: 'HTTP',
    protocolsettings: parseSettings(body.protocolsettings),
  };
  if (body.types !== undefined) spec.types = parseTypes(body.types, rules.publicTypes);
  if (body.filters !== undefined) spec.filters = parseFilters(body.filters);
  return spec;
}

/** `config.from` of a new subscription: "now" (the default), "beginning", or the first position wanted. */
export function parseStartFrom(config: unknown): StartFrom {
  if (config === undefined) return 'now';
  if (!isObject(config)) throw invalid('config', 'config must be an object');
  const raw = config.from;
  if (raw === undefined) return 'now';
  if (raw === 'now' || raw === 'beginning') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1) return raw;
  throw invalid(
    'config.from',
    'config.from must be "now", "beginning" or a position (a whole number from 1)',
  );
}

/** The checkpoint a new subscription starts at: delivery begins with the event after it. */
export function startAfterOf(from: StartFrom, head: number): number {
  if (from === 'now') return head;
  if (from === 'beginning') return 0;
  return from - 1;
}

/** Which events a consumer receives: one of `types` when given, and every filter holding. */
export type EventSelection = Pick<SubscriptionSpec, 'types' | 'filters'>;

export function wants(selection: EventSelection, event: RecordedEvent): boolean {
  if (selection.types && !selection.types.includes(event.type)) return false;
  return !selection.filters?.length || matchesAll(selection.filters, attributesOf(event));
}
