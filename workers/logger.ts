/**
 * The process logger (pino) with secrets redacted, and the bridge that sends the Temporal runtime's
 * and activities' logs through it.
 */
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import pino from 'pino';

const REDACT = [
  'accessToken',
  'apiKey',
  'access_token',
  'authorization',
  '*.accessToken',
  '*.apiKey',
  '*.access_token',
  '*.authorization',
  '*.*.accessToken',
  '*.*.apiKey',
  'headers.authorization',
];

export function makeLogger(level: string) {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } };
  // stderr: stdout is kept for machine-readable output (npm run cycle prints one JSON line).
  // Readable lines for a person at a terminal; one JSON object a line for files and log shippers.
  if (process.stderr.isTTY && process.env.LOG_FORMAT !== 'json') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } },
    });
  }
  return pino(options, pino.destination(2));
}

const toTemporalLevel = (l: string): LogLevel => (['trace', 'debug', 'info', 'warn', 'error'].includes(l) ? (l.toUpperCase() as LogLevel) : 'ERROR');

/**
 * Routes Temporal's own logs (workers, activities, workflow `log`) to pino, and serves the
 * runtime's Prometheus metrics (the SDK's and the agent's `maa_*` series) on `metricsPort` when
 * given. Call once per process.
 */
export function installTemporalLogging(logger: pino.Logger, level: string, metricsPort?: number) {
  Runtime.install({
    logger: new DefaultLogger(toTemporalLevel(level === 'silent' || level === 'fatal' ? 'error' : level), (entry) => {
      const { level: l, message, meta } = entry;
      // Expected for single-purpose workers (activity-only or workflow-only queues): not worth a warning.
      if (/not polling for (activity|workflow) tasks/.test(message)) return;
      const fn = l === 'TRACE' ? 'trace' : l === 'DEBUG' ? 'debug' : l === 'INFO' ? 'info' : l === 'WARN' ? 'warn' : 'error';
      logger[fn]({ ...(meta ?? {}) }, message);
    }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsPort ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } : {}),
    },
  });
}
