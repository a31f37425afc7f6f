import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { problem } from './problem-details';

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) =>
      message.startsWith('property ') ? { field, message: `${field} is not allowed` } : { field, message },
    );
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** class-validator on every DTO: unknown fields refused, types not coerced, the first field named. */
export const strictValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      const first = list[0] ?? { field: 'body', message: 'invalid request body' };
      return new BadRequestException(problem(400, first.message, { field: first.field, errors: list }));
    },
  });
