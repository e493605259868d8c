import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import {
  API_PREFIX,
  routeNames,
  routes,
  type RouteName,
  type StudioApi,
} from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { StudioEvent } from '../../src-shared/api/model';
import { fromHttpRequest, usesQuery } from '../../src-shared/api/route-path';
import { httpRequestContext, runWithRequestContext, USER_HEADER } from '../audit/request-context';
import type { Logger } from '../engine/component';
import { contentSecurityPolicy, sameHostSockets } from './content-security-policy';
import { validateInput } from './validate-input';

/**
 * A plain HTTP endpoint outside the typed API, for callers that are not the studio: Prometheus
 * scraping `/metrics`, a webhook trigger. Its handler gets the raw request and answers as it likes.
 */
export interface PlainEndpoint {
  method: 'GET' | 'POST';
  /** A Fastify path, e.g. `/metrics` or `/hooks/jobs/:token`. */
  url: string;
  handle(request: {
    params: Record<string, string>;
    query: Record<string, string>;
    body: unknown;
    headers: Record<string, string | string[] | undefined>;
    ip: string;
  }): Promise<{ status: number; contentType: string; body: string }>;
}

/** What the server serves: the API methods and the event stream (the services, or a fake in tests). */
export interface ServedServices {
  api: StudioApi;
  onEvent(listener: (event: StudioEvent) => void): () => void;
  /** Endpoints besides the API (`/metrics`, webhooks). */
  endpoints?: PlainEndpoint[];
}

export interface ServerOptions {
  services: ServedServices;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built web studio (out/renderer); without it only the API is served. */
  staticDir?: string;
  /** Reported by `GET /api/v1/health`. */
  version?: string;
  /** Where unexpected errors are reported; defaults to stderr. */
  logger?: Pick<Logger, 'error'>;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const stderrLogger: Pick<Logger, 'error'> = {
  error: (msg, data) => console.error(msg, data ?? ''),
};

/**
 * The headless transport: REST under `/api/v1` generated from the route table, events
 * over the WebSocket `/api/v1/ws`, and the web studio with a strict CSP.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { services, host = '127.0.0.1', port = 8080, staticDir, version = 'dev' } = options;
  const logger = options.logger ?? stderrLogger;
  const app = Fastify({ logger: false });

  app.addHook('onSend', async (request, reply) => {
    reply.header(
      'content-security-policy',
      contentSecurityPolicy({ connect: sameHostSockets(request.headers.host) }),
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send(error.toBody());
    // Fastify's own 4xx errors: malformed JSON, an empty JSON body, a body too large.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(400).send(new ApiError('bad_request', error.message).toBody());
    }
    logger.error('request failed', {
      method: request.method,
      url: request.url,
      error: String(error.stack ?? error),
    });
    return reply.status(500).send(new ApiError('internal', 'internal error').toBody());
  });

  await app.register(fastifyWebsocket);
  registerEvents(app, services);
  app.get(`${API_PREFIX}/health`, async () => ({ ok: true, version }));
  for (const name of routeNames) registerRoute(app, services.api, name);
  for (const endpoint of services.endpoints ?? []) registerEndpoint(app, endpoint);

  const serveStudio = staticDir !== undefined && existsSync(staticDir);
  if (serveStudio) await app.register(fastifyStatic, { root: staticDir });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // Client-side routes (no file extension) get the studio; API paths and missing files get a 404.
    if (serveStudio && request.method === 'GET' && !path.startsWith('/api/') && extname(path) === '') {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply
      .status(404)
      .send(new ApiError('not_found', `no such path: ${request.method} ${path}`).toBody());
  });

  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close: () => app.close(),
  };
}

function registerEndpoint(app: FastifyInstance, endpoint: PlainEndpoint): void {
  app.route({
    method: endpoint.method,
    url: endpoint.url,
    handler: async (request, reply) => {
      // A webhook call starts a run as its caller, as an API call does (audit: address, x-fustgo-user).
      const caller = httpRequestContext(request.ip, request.headers[USER_HEADER]);
      const answer = await runWithRequestContext(caller, () =>
        endpoint.handle({
          params: (request.params ?? {}) as Record<string, string>,
          query: (request.query ?? {}) as Record<string, string>,
          body: request.body,
          headers: request.headers,
          ip: request.ip,
        }),
      );
      return reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
    },
  });
}

function registerRoute(app: FastifyInstance, api: StudioApi, name: RouteName): void {
  const route = routes[name];
  app.route({
    method: route.method,
    url: API_PREFIX + route.path,
    handler: async (request) => {
      const raw = fromHttpRequest(route, {
        params: request.params,
        query: request.query,
        body: request.body,
      });
      const input = validateInput(name, raw, usesQuery(route.method) ? 'query' : 'json');
      const call = api[name] as (input: unknown) => Promise<unknown>;
      // Who asked and from where, for the audit log (see audit/request-context.ts).
      const caller = httpRequestContext(request.ip, request.headers[USER_HEADER]);
      return runWithRequestContext(caller, () => call(input));
    },
  });
}

/** One subscription to the services feeds every connected socket. */
function registerEvents(app: FastifyInstance, services: ServedServices): void {
  const sockets = new Set<WebSocket>();
  const unsubscribe = services.onEvent((event) => {
    const message = JSON.stringify(event);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
  });
  app.addHook('onClose', async () => unsubscribe());
  app.get(`${API_PREFIX}/ws`, { websocket: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}
