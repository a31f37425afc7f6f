import { buildEventRegistry, ALL_EVENT_TYPES } from '../../../domain/events/event-catalog';
import { EventRegistry } from '../../../domain/events/event-registry';
import { defineEvent } from '../../../domain/events/event-type';

const V2 = defineEvent<'io.openhostfactory.test.renamed.v2', { fullName: string; size: number }>({
  type: 'io.openhostfactory.test.renamed.v2',
  description: 'test',
  schema: {},
  example: { fullName: 'a', size: 1 },
  public: false,
});

describe('EventRegistry', () => {
  it('registers every event type of the service once, each with a versioned reverse-DNS type', () => {
    const registry = buildEventRegistry();
    expect(registry.all()).toHaveLength(ALL_EVENT_TYPES.length);
    for (const def of registry.all())
      expect(def.type).toMatch(/^io\.openhostfactory\.[a-z-]+(\.[a-z-]+)+\.v\d+$/);
  });

  it('refuses two different definitions under one type name', () => {
    const registry = new EventRegistry().register(V2);
    expect(() => registry.register({ ...V2 })).toThrow(/registered twice/);
  });

  it('given events stored under older types, when read, then the upcaster chain brings them to the current type', () => {
    const registry = new EventRegistry()
      .register(V2)
      .registerUpcaster({
        fromType: 'io.openhostfactory.test.named.v0',
        toType: 'io.openhostfactory.test.named.v1',
        upcast: (d) => ({ ...(d as object), size: 0 }),
      })
      .registerUpcaster({
        fromType: 'io.openhostfactory.test.named.v1',
        toType: V2.type,
        upcast: (d) => {
          const { name, ...rest } = d as { name: string; size: number };
          return { ...rest, fullName: name };
        },
      });
    expect(registry.upcast('io.openhostfactory.test.named.v0', { name: 'x' })).toEqual({
      type: V2.type,
      data: { fullName: 'x', size: 0 },
    });
    expect(registry.upcast(V2.type, { fullName: 'y', size: 2 })).toEqual({
      type: V2.type,
      data: { fullName: 'y', size: 2 },
    });
  });

  it('stops a cyclic upcaster chain instead of looping', () => {
    const registry = new EventRegistry()
      .registerUpcaster({ fromType: 'a.b.v1', toType: 'a.b.v2', upcast: (d) => d })
      .registerUpcaster({ fromType: 'a.b.v2', toType: 'a.b.v1', upcast: (d) => d });
    expect(() => registry.upcast('a.b.v1', {})).toThrow(/does not end/);
  });
});
