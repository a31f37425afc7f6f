/**
 * Errors the domain raises. Each kind maps to one HTTP status at the edge (api/), so the domain
 * never needs to know about HTTP, and every refusal names the offending field where there is one.
 */
export type DomainErrorKind = 'validation' | 'not-found' | 'conflict' | 'unavailable' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (field: string, message: string, details?: Record<string, unknown>): DomainError =>
  new DomainError('validation', message, field, details);

export const notFound = (what: string, id: string): DomainError =>
  new DomainError('not-found', `${what} '${id}' does not exist`, undefined, { id });

export const conflict = (message: string, details?: Record<string, unknown>): DomainError =>
  new DomainError('conflict', message, undefined, details);
