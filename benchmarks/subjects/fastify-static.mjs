// Peer: Fastify 5 with @fastify/static over the fixture folder (its defaults).
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { settings } from './common.mjs';

const app = Fastify({ logger: false });
await app.register(fastifyStatic, { root: settings.filesDir });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const stop = () => {
  app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdout.write(`${JSON.stringify({ ready: true, port: Number(new URL(address).port) })}\n`);
