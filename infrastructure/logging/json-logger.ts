import type { LoggerService, LogLevel } from '@nestjs/common';

const LEVELS: Record<string, number> = { fatal: 0, error: 1, warn: 2, log: 3, info: 3, debug: 4, verbose: 5 };

/** One JSON object per line on stdout: what log shippers and `jq` read without a parser of ours. */
export class JsonLogger implements LoggerService {
  private threshold: number;

  constructor(
    level: string = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.threshold = LEVELS[level] ?? 3;
  }

  setLogLevels(levels: LogLevel[]): void {
    this.threshold = Math.max(...levels.map((l) => LEVELS[l] ?? 3));
  }

  log(message: unknown, context?: string): void {
    this.emit('info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context ? stackOrContext : undefined;
    this.emit('error', message, context ?? stackOrContext, stack ? { stack } : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.emit('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.emit('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.emit('verbose', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.emit('fatal', message, context);
  }

  /** A structured entry with fields of its own (request ids, counts, durations). */
  event(
    level: 'info' | 'warn' | 'error' | 'debug',
    msg: string,
    fields: Record<string, unknown>,
    context?: string,
  ): void {
    this.emit(level, msg, context, fields);
  }

  private emit(level: string, message: unknown, context?: string, fields?: Record<string, unknown>): void {
    if ((LEVELS[level] ?? 3) > this.threshold) return;
    const msg =
      typeof message === 'string'
        ? message
        : message instanceof Error
          ? message.message
          : JSON.stringify(message);
    this.write(JSON.stringify({ time: new Date().toISOString(), level, context, msg, ...fields }));
  }
}
