import type { RecordedEvent } from '../../../domain/events/domain-event';
import { FilterExpression, parseFilters } from '../../../domain/entities/subscription/event-filter';
import { EventSelection, wants } from '../../../domain/entities/subscription/subscription-spec';
import { invalid } from '../../../domain/shared/domain-error';

/** Query parameters that choose events on GET /v1/events and the live stream. */
export interface SelectionParams {
  /** One type or a comma-separated list (`type` and `types` are the same). */
  type?: string;
  types?: string;
  subject?: string;
  /** A Subscriptions API filter expression, or an array of them, as JSON. */
  filter?: string;
}

function parseTypeList(raw: string, field: string, publicTypes: ReadonlySet<string>): string[] {
  const list = raw
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (list.length === 0) throw invalid(field, `${field} must name at least one event type`);
  const unknown = list.find((t) => !publicTypes.has(t));
  if (unknown)
    throw invalid(field, `${unknown} is not an event type this service publishes (GET /v1/events/types)`);
  return list;
}

function parseFilterParam(raw: string): FilterExpression[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid('filter', 'filter must be JSON: a filter expression or an array of them');
  }
  return parseFilters(Array.isArray(parsed) ? parsed : [parsed], 'filter');
}

export function parseSelection(params: SelectionParams, publicTypes: ReadonlySet<string>): EventSelection {
  const types = [
    ...(params.type !== undefined ? parseTypeList(params.type, 'type', publicTypes) : []),
    ...(params.types !== undefined ? parseTypeList(params.types, 'types', publicTypes) : []),
  ];
  const filters = params.filter !== undefined ? parseFilterParam(params.filter) : [];
  if (params.subject !== undefined) {
    if (params.subject === '') throw invalid('subject', 'subject must not be empty');
    filters.push({ exact: { subject: params.subject } });
  }
  return { ...(types.length ? { types } : {}), ...(filters.length ? { filters } : {}) };
}

/** A log position from a query parameter or header: a whole number from 0. */
export function parsePosition(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw.trim()))
    throw invalid(field, `${field} must be a log position (a whole number from 0)`);
  return Number(raw.trim());
}

/** Consumers see public events only, and of those the ones they chose. */
export const visibleTo = (
  selection: EventSelection,
  publicTypes: ReadonlySet<string>,
): ((event: RecordedEvent) => boolean) => {
  return (event) => publicTypes.has(event.type) && wants(selection, event);
};
