import { invalid } from '../../domain/shared/domain-error';

/**
 * For calls that take no body: a field sent anyway is refused by name rather than ignored, so a
 * caller who meant something by it (a projection name, a file path) learns that it did nothing.
 */
export function refuseBody(body: unknown): void {
  if (body === undefined || body === null) return;
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'this call takes no body');
  const [field] = Object.keys(body);
  if (field !== undefined) throw invalid(field, `${field} is not allowed: this call takes no body`);
}
