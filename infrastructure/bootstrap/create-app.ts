import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { strictValidationPipe } from '../../api/problem/strict-validation.pipe';
import type { AppConfig } from '../config/app-config';
import { JsonLogger } from '../logging/json-logger';
import { AppModule } from './app.module';

export const MAX_BODY_BYTES = 1024 * 1024;

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
