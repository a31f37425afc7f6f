import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/app-config';
import { JsonLogger } from '../logging/json-logger';
import { createApp } from './create-app';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: error.message, key: error.key })}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = new JsonLogger(config.logLevel);
  if (config.tokens.length === 0 && !LOOPBACK.test(config.host)) {
    logger.warn(
      `no bearer tokens configured (OHF_TOKENS): listening on 127.0.0.1 instead of ${config.host}`,
      'Main',
    );
    config = { ...config, host: '127.0.0.1' };
  } else if (config.tokens.length === 0) {
    logger.warn(
      'no bearer tokens configured (OHF_TOKENS): loopback only, every local caller is trusted',
      'Main',
    );
  }
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  const server = app.getHttpServer() as import('node:http').Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.event(
    'info',
    'listening',
    { url: `http://${config.host}:${port}`, instance: config.instanceId },
    'Main',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.event('info', 'stopping', { signal }, 'Main');
    // Stop taking connections, let in-flight calls finish, then stop processors and release leases.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(resolve, 10_000).unref();
    });
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main().catch((error) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: (error as Error).message, stack: (error as Error).stack })}\n`,
  );
  process.exit(1);
});
