/**
 * npm run codec: the codec endpoint alone (client/codec-server.ts), for a Web UI or CLI that should
 * show encrypted payloads decoded while the workers run as their own processes. Serves
 * CODEC_HOST:CODEC_PORT with the keys of PAYLOAD_ENCRYPTION_KEYS, for the origins of
 * CODEC_CORS_ORIGINS, until SIGINT or SIGTERM. (`npm start` serves it too when the keys are set.)
 */
import { startCodecServer } from '../client/codec-server';
import { ConfigError, loadConfig } from '../config/env';
import { makeLogger } from './logger';

async function run() {
  const config = loadConfig();
  const logger = makeLogger(config.logLevel);
  const codec = config.temporal.payloadCodec;
  if (!codec) throw new ConfigError(['PAYLOAD_ENCRYPTION_KEYS: not set, so payloads are not encrypted and there is nothing to decode']);
  const server = await startCodecServer({ port: config.codec.port, host: config.codec.host, codec, corsOrigins: config.codec.corsOrigins });
  try {
    logger.info({ url: server.url, keyId: codec.keyId, keyIds: codec.keyIds, corsOrigins: config.codec.corsOrigins }, 'codec endpoint started');
    await new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((sig) => process.once(sig, () => resolve())));
  } finally {
    await server.close();
  }
}

run().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
