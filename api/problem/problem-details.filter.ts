import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorKind } from '../../domain/shared/domain-error';
import { WrongExpectedVersionError } from '../../domain/repositories/event-store.port';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problem } from './problem-details';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  forbidden: 403,
};

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  limit?: number;
}

/** Turns every error into problem+json; nothing leaves the service as an HTML page or a stack. */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  if (error instanceof DomainError) {
    const p = problem(STATUS_OF_KIND[error.kind], error.message, { instance });
    if (error.field) {
      p.field = error.field;
      p.errors = [{ field: error.field, message: error.message }];
    }
    if (error.details) Object.assign(p, { details: error.details });
    return p;
  }
  if (error instanceof WrongExpectedVersionError)
    return problem(409, 'the resource changed while this request was handled; try again', { instance });
  if (error instanceof HttpException) {
    const body = error.getResponse();
    if (typeof body === 'object' && body !== null && 'title' in body)
      return { ...(body as ProblemDetails), instance };
    const message =
      typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
    return problem(error.getStatus(), Array.isArray(message) ? message.join('; ') : String(message), {
      instance,
    });
  }
  const parser = error as BodyParserError;
  if (parser?.type === 'entity.too.large')
    return problem(413, `the request body is larger than ${parser.limit ?? 1048576} bytes`, {
      instance,
      field: 'body',
    });
  if (parser?.type === 'entity.parse.failed')
    return problem(400, `the request body is not valid JSON: ${parser.message}`, { instance, field: 'body' });
  if (parser?.type && parser.status && parser.status < 500)
    return problem(parser.status, parser.message ?? 'bad request', { instance });
  return problem(500, 'internal error; the service log has the details', { instance });
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const body = toProblem(error, request?.originalUrl);
    if (body.status >= 500)
      this.logger.error(`${request?.method} ${request?.originalUrl}: ${(error as Error)?.stack ?? error}`);
    if (response.headersSent) return;
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }
}
