import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { strictValidationPipe } from '../../api/problem/strict-validation.pipe';
import type { AppConfig } from '../config/app-config';
import { JsonLogger } from '../logging/json-logger';
import { AppModule } from './app.module';

export const MAX_BODY_BYTES = 1024 * 1024;

type BodyParserError = Error & { type?: string; status?: number };

/** Builds the HTTP application; main() and the tests both start the service through here. */
export async function createApp(
  config: AppConfig,
  logger = new JsonLogger(config.logLevel),
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger,
    bodyParser: false,
  });
  app.useBodyParser('json', {
    limit: MAX_BODY_BYTES,
    strict: false,
    type: ['application/json', 'application/*+json'],
  });
  // Nest answers body-parser's JSON syntax error as a bare 400; handed on as a plain body-parser
  // error (same type and status), the problem filter names the field: `body`.
  app.use((error: BodyParserError, _req: unknown, _res: unknown, next: (error: unknown) => void) =>
    next(
      error instanceof SyntaxError && error.type
        ? Object.assign(new Error(error.message), { type: error.type, status: error.status })
        : error,
    ),
  );
  // Nest turns body-parser's SyntaxError into a bare 400 that no longer says the body is at fault;
  // passing on a plain error that keeps body-parser's `type` lets the problem name `field: "body"`.
  app.use(
    (error: { type?: string; message?: string }, _req: unknown, _res: unknown, next: (e: unknown) => void) =>
      next(
        error?.type === 'entity.parse.failed'
          ? Object.assign(new Error(error.message), { type: error.type, status: 400 })
          : error,
      ),
  );
  app.useGlobalPipes(strictValidationPipe());
  app.disable('x-powered-by');
  const openapi = new DocumentBuilder()
    .setTitle('Open Host Factory')
    .setDescription(
      'IBM Spectrum Symphony Host Factory provider for AWS: Host Factory calls, resources, admin, events',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  return app;
}
