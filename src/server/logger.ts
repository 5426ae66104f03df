/**
 * The server logger: pino, pretty-printed when stdout is a terminal and JSON lines otherwise
 * (decided by the terminal, not by NODE_ENV, as fastify/demo does).
 */
import { pino, type Logger } from 'pino';

/** Creates the logger. Log ids and counts, never caller numbers at info level. */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  if (pretty) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level });
}
