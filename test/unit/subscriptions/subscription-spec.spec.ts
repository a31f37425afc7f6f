import { isSinkAllowed, parseSink } from '../../../domain/entities/subscription/sink-address';
import {
  parseStartFrom,
  parseSubscriptionSpec,
  startAfterOf,
  wants,
} from '../../../domain/entities/subscription/subscription-spec';
import type { RecordedEvent } from '../../../domain/events/domain-event';
import { DomainError } from '../../../domain/shared/domain-error';

const rules = { allowedHosts: [], publicTypes: new Set(['io.a.v1', 'io.b.v1']) };
const fieldOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as DomainError).field;
  }
  return undefined;
};

describe('sink addresses', () => {
  it('takes http and https URLs only', () => {
    expect(parseSink('https://hooks.example.com/ohf', [])).toBe('https://hooks.example.com/ohf');
    for (const bad of ['ftp://x/', 'file:///etc/passwd', 'hooks.example.com', '', 42, 'https://a:b@x.io/'])
      expect(fieldOf(() => parseSink(bad, []))).toBe('sink');
  });

  it.each([
    ['http://127.0.0.1:8080/x', ['127.0.0.1'], true],
    ['http://127.0.0.1:8080/x', ['127.0.0.1:8080'], true],
    ['http://127.0.0.1:8081/x', ['127.0.0.1:8080'], false],
    ['https://hooks.example.com/', ['hooks.example.com:443'], true],
    ['http://hooks.example.com/', ['hooks.example.com:443'], false],
    ['https://a.hooks.example.com/', ['*.example.com'], true],
    ['https://example.com.evil.io/', ['*.example.com'], false],
    ['https://HOOKS.example.com/', ['hooks.EXAMPLE.com'], true],
    ['http://[::1]:9000/', ['[::1]:9000'], true],
    ['http://[::1]:9000/', ['::1'], true],
    ['http://10.0.0.1/', ['127.0.0.1', '*.example.com'], false],
  ])('%s with allow-list %j: %s', (sink, allowed, expected) => {
    expect(isSinkAllowed(sink, allowed)).toBe(expected);
  });

  it('names the allowed hosts when it refuses one', () => {
    expect(() => parseSink('http://10.0.0.1/', ['127.0.0.1'])).toThrow(/not in the allowed sink hosts/);
  });
});

describe('subscription specs', () => {
  it('fills in the HTTP defaults', () => {
    expect(parseSubscriptionSpec({ protocol: 'HTTP', sink: 'http://127.0.0.1:1/' }, rules)).toEqual({
      sink: 'http://127.0.0.1:1/',
      protocol: 'HTTP',
      protocolsettings: { headers: {}, method: 'POST', contentmode: 'binary' },
    });
  });

  it.each([
    [{ sink: 'http://x/' }, 'protocol'],
    [{ protocol: 'http', sink: 'http://x/' }, 'protocol'],
    [{ protocol: 'HTTP', sink: 'http://x/', types: ['io.c.v1'] }, 'types[0]'],
    [{ protocol: 'HTTP', sink: 'http://x/', types: 'io.a.v1' }, 'types'],
    [
      { protocol: 'HTTP', sink: 'http://x/', protocolsettings: { headers: { Host: 'y' } } },
      'protocolsettings.headers.Host',
    ],
    [
      { protocol: 'HTTP', sink: 'http://x/', protocolsettings: { headers: { 'x-a': 'a\nb' } } },
      'protocolsettings.headers.x-a',
    ],
    [
      { protocol: 'HTTP', sink: 'http://x/', protocolsettings: { headers: { 'bad name': 'a' } } },
      'protocolsettings.headers.bad name',
    ],
    [{ protocol: 'HTTP', sink: 'http://x/', protocolsettings: { method: 'GET' } }, 'protocolsettings.method'],
  ])('refuses %j, naming %s', (body, field) => {
    expect(fieldOf(() => parseSubscriptionSpec(body, rules))).toBe(field);
  });

  it('starts now, at the beginning, or at a position', () => {
    expect(startAfterOf(parseStartFrom(undefined), 40)).toBe(40);
    expect(startAfterOf(parseStartFrom({ from: 'now' }), 40)).toBe(40);
    expect(startAfterOf(parseStartFrom({ from: 'beginning' }), 40)).toBe(0);
    expect(startAfterOf(parseStartFrom({ from: 12 }), 40)).toBe(11);
    for (const from of [0, -1, 1.5, '12', 'later'])
      expect(fieldOf(() => parseStartFrom({ from }))).toBe('config.from');
    expect(fieldOf(() => parseStartFrom('now'))).toBe('config');
  });

  it('selects events by types and filters', () => {
    const event = { type: 'io.a.v1', subject: 'm-1', position: 1, streamVersion: 1 } as RecordedEvent;
    expect(wants({}, event)).toBe(true);
    expect(wants({ types: ['io.b.v1'] }, event)).toBe(false);
    expect(wants({ types: ['io.a.v1'], filters: [{ prefix: { subject: 'm-' } }] }, event)).toBe(true);
    expect(wants({ types: ['io.a.v1'], filters: [{ prefix: { subject: 'r-' } }] }, event)).toBe(false);
  });
});
