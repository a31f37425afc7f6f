import {
  attributesOf,
  FilterExpression,
  matches,
  matchesAll,
  parseFilters,
} from '../../../domain/entities/subscription/event-filter';
import type { RecordedEvent } from '../../../domain/events/domain-event';
import { DomainError } from '../../../domain/shared/domain-error';

const event: RecordedEvent = {
  id: 'e-1',
  type: 'io.openhostfactory.machine.running.v1',
  source: '/open-host-factory/default',
  subject: 'i-0abc',
  streamId: 'machine-i-0abc',
  time: '2026-01-01T00:00:00.000Z',
  data: {},
  position: 42,
  streamVersion: 3,
  correlationId: 'req-9',
};
const attributes = attributesOf(event);
const fieldOf = (raw: unknown): string | undefined => {
  try {
    parseFilters(raw);
  } catch (error) {
    return (error as DomainError).field;
  }
  return undefined;
};

describe('filter expressions (CloudEvents Subscriptions API dialects)', () => {
  it.each<[FilterExpression, boolean]>([
    [{ exact: { type: 'io.openhostfactory.machine.running.v1' } }, true],
    [{ exact: { type: 'io.openhostfactory.machine.running.V1' } }, false],
    [{ exact: { type: 'io.openhostfactory.machine.running.v1', subject: 'i-0abd' } }, false],
    [{ exact: { sequence: '42', streamversion: '3', correlationid: 'req-9' } }, true],
    [{ exact: { causationid: 'x' } }, false],
    [{ prefix: { type: 'io.openhostfactory.machine.' } }, true],
    [{ prefix: { subject: 'i-1' } }, false],
    [{ suffix: { type: '.running.v1' } }, true],
    [{ suffix: { dataschema: 'x' } }, false],
    [{ all: [{ prefix: { type: 'io.' } }, { exact: { subject: 'i-0abc' } }] }, true],
    [{ all: [{ prefix: { type: 'io.' } }, { exact: { subject: 'nope' } }] }, false],
    [{ any: [{ exact: { subject: 'nope' } }, { suffix: { subject: 'abc' } }] }, true],
    [{ any: [{ exact: { subject: 'nope' } }, { suffix: { subject: 'xyz' } }] }, false],
    [{ not: { exact: { subject: 'i-0abc' } } }, false],
    [{ not: { not: { prefix: { source: '/open-host-factory/' } } } }, true],
  ])('%j matches: %s', (expression, expected) => {
    expect(matches(expression, attributes)).toBe(expected);
  });

  it('needs every expression of a list to hold; an empty list lets everything through', () => {
    expect(matchesAll([], attributes)).toBe(true);
    expect(matchesAll([{ prefix: { type: 'io.' } }, { exact: { subject: 'i-0abc' } }], attributes)).toBe(
      true,
    );
    expect(matchesAll([{ prefix: { type: 'io.' } }, { exact: { subject: 'x' } }], attributes)).toBe(false);
  });

  it.each([
    ['not an array', { exact: { type: 'x' } }, 'filters'],
    ['an unsupported dialect', [{ sql: "type = 'x'" }], 'filters[0]'],
    ['two dialects at once', [{ exact: { type: 'x' }, suffix: { type: 'x' } }], 'filters[0]'],
    ['no attribute', [{ prefix: {} }], 'filters[0].prefix'],
    ['an attribute name with capitals', [{ exact: { Type: 'x' } }], 'filters[0].exact.Type'],
    ['an empty value', [{ suffix: { type: '' } }], 'filters[0].suffix.type'],
    ['a value that is not a string', [{ exact: { sequence: 42 } }], 'filters[0].exact.sequence'],
    ['an empty any', [{ any: [] }], 'filters[0].any'],
    ['a bad nested expression', [{ all: [{ exact: { type: 'x' } }, { nope: {} }] }], 'filters[0].all[1]'],
    ['a not without an expression', [{ not: [] }], 'filters[0].not'],
  ])('refuses %s, naming %s', (_what, raw, field) => {
    expect(fieldOf(raw)).toBe(field);
  });

  it('refuses nesting deeper than anyone writes by hand', () => {
    let deep: unknown = { exact: { type: 'x' } };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    expect(() => parseFilters([deep])).toThrow(/nest at most/);
  });
});
