import type { EventTypeDefinition, Upcaster } from './event-type';

/**
 * Every event type the service knows, by stable type name, with the upcasters that bring older
 * stored versions forward. Unknown types are kept as they are (a newer instance may have written
 * them) and simply not understood by older code.
 */
export class EventRegistry {
  private readonly definitions = new Map<string, EventTypeDefinition>();
  private readonly upcasters = new Map<string, Upcaster>();

  register(...definitions: EventTypeDefinition[]): this {
    for (const definition of definitions) {
      const known = this.definitions.get(definition.type);
      if (known && known !== definition) throw new Error(`event type ${definition.type} registered twice`);
      this.definitions.set(definition.type, definition);
    }
    return this;
  }

  registerUpcaster(upcaster: Upcaster): this {
    this.upcasters.set(upcaster.fromType, upcaster);
    return this;
  }

  get(type: string): EventTypeDefinition | undefined {
    return this.definitions.get(type);
  }

  all(): EventTypeDefinition[] {
    return [...this.definitions.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** Follows the upcaster chain from a stored type to the current one. */
  upcast(type: string, data: unknown): { type: string; data: unknown } {
    let current = { type, data };
    for (let hops = 0; hops < 32; hops++) {
      const upcaster = this.upcasters.get(current.type);
      if (!upcaster) return current;
      current = { type: upcaster.toType, data: upcaster.upcast(current.data) };
    }
    throw new Error(`upcaster chain from ${type} does not end`);
  }
}
