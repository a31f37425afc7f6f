/**
 * The subset of MongoDB's query language the read side uses, evaluated in memory: equality
 * (an array field matches when it contains the value), $in, $nin, $exists, $ne, $gt/$gte/$lt/$lte,
 * $or, $and and dotted paths that reach into arrays. The same filters therefore run against
 * MongoDB and against the in-memory replica.
 */
type Filter = Record<string, unknown>;

const OPERATORS = new Set(['$in', '$nin', '$exists', '$ne', '$gt', '$gte', '$lt', '$lte']);

/** Every value at a dotted path, descending into arrays on the way. */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (Array.isArray(doc)) return doc.flatMap((item) => valuesAt(item, path));
  if (doc === null || typeof doc !== 'object') return [];
  const next = (doc as Record<string, unknown>)[path[0]];
  if (next === undefined) return [];
  return valuesAt(next, path.slice(1));
}

const equal = (a: unknown, b: unknown): boolean =>
  a === b || (a !== null && b !== null && typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));

/** A stored value matches a wanted one when it is equal, or an array that holds it. */
const matchesValue = (stored: unknown, wanted: unknown): boolean =>
  equal(stored, wanted) || (Array.isArray(stored) && stored.some((item) => equal(item, wanted)));

const compare = (a: unknown, b: unknown): number | undefined =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')
    ? a < b
      ? -1
      : a > b
        ? 1
        : 0
    : undefined;

function matchesCondition(values: unknown[], condition: unknown): boolean {
  const isOperatorObject =
    condition !== null &&
    typeof condition === 'object' &&
    !Array.isArray(condition) &&
    Object.keys(condition).length > 0 &&
    Object.keys(condition).every((k) => OPERATORS.has(k));
  if (!isOperatorObject) {
    if (condition === null) return values.length === 0 || values.some((v) => v === null);
    return values.some((v) => matchesValue(v, condition));
  }
  return Object.entries(condition as Filter).every(([op, arg]) => {
    switch (op) {
      case '$in':
        return values.some((v) => (arg as unknown[]).some((a) => matchesValue(v, a)));
      case '$nin':
        return !values.some((v) => (arg as unknown[]).some((a) => matchesValue(v, a)));
      case '$exists':
        return Boolean(arg) === values.length > 0;
      case '$ne':
        return !values.some((v) => matchesValue(v, arg));
      default: {
        const wanted = { $gt: 1, $gte: 0, $lt: -1, $lte: 0 }[op as '$gt'];
        return values.some((v) => {
          const c = compare(v, arg);
          if (c === undefined) return false;
          return op === '$gte' || op === '$lte'
            ? c === wanted || c === (op === '$gte' ? 1 : -1)
            : c === wanted;
        });
      }
    }
  });
}

type Predicate = (doc: unknown) => boolean;

/** Turns a filter into a predicate once, so a query over many documents splits no path twice. */
export function compile(filter: Filter): Predicate {
  const parts: Predicate[] = Object.entries(filter).map(([key, condition]) => {
    if (key === '$or') {
      const any = (condition as Filter[]).map(compile);
      return (doc) => any.some((p) => p(doc));
    }
    if (key === '$and') {
      const all = (condition as Filter[]).map(compile);
      return (doc) => all.every((p) => p(doc));
    }
    const path = key.split('.');
    return (doc) => matchesCondition(valuesAt(doc, path), condition);
  });
  return (doc) => parts.every((p) => p(doc));
}

/** Sorts like MongoDB for the scalar fields the read side sorts on (absent values first). */
export function sortBy<T>(docs: T[], sort: Record<string, 1 | -1>): T[] {
  const keys = Object.entries(sort).map(([key, direction]) => ({ path: key.split('.'), direction }));
  const keyed = docs.map((doc) => ({ doc, values: keys.map((k) => valuesAt(doc, k.path)[0]) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const [x, y, direction] = [a.values[i], b.values[i], keys[i].direction];
      if (x === y) continue;
      if (x === undefined) return -direction;
      if (y === undefined) return direction;
      const c = compare(x, y) ?? 0;
      if (c !== 0) return c * direction;
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}
