import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { problem } from '../problem/problem-details';

/**
 * Host Factory's input files hold one JSON object. The body parser takes any JSON value, and the
 * validation pipe would judge `42` or `[]` as an empty object (or let it through for `{}` calls):
 * such a body is refused here, before the pipes, naming the body. An empty body counts as `{}`.
 */
@Injectable()
export class JsonObjectBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const body: unknown = request.body;
    const empty = body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body));
    if (!empty)
      throw new BadRequestException(
        problem(400, `the request body must be a JSON object, not ${describe(body)}`, { field: 'body' }),
      );
    return next.handle();
  }
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
