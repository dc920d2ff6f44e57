import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createHandler, isStowageError, StowageError, type HttpAnswer, type MediaHandler, type Stowage, type UploadLimits } from '@stowage/core';
import { stowageMiddleware } from '@stowage/express';
import { answerText, failureAnswer, jsonAnswer, notFoundAnswer } from './json-answer.js';
import { isJsonContentType, JSON_BODY_LIMIT, JSON_TOO_LARGE_MESSAGE } from './json-body.js';
import { receiveReport } from './report-upload.js';
import { MEDIA_PREFIX, parseTitleBody, ReportLog, TITLE_BODY_MESSAGE } from './reports.js';
import { requireUser, UserDirectory, type AppUser } from './users.js';

declare global {
  // Express's documented extension point: what the application's own middleware puts on requests.
  namespace Express {
    interface Request {
      /** Set by the application's bearer-token check; Stowage's adapter reads it as the principal. */
      user?: AppUser;
    }
  }
}

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Where `POST /api/reports` stores uploads. */
  readonly stowage: Stowage;
  /** The application's users, by bearer token (see {@link UserDirectory}). */
  readonly users: Readonly<Record<string, AppUser>>;
  /**
   * The media profile, mounted at `/media`. Default: `createHandler(stowage)`, which serves
   * `GET`/`HEAD /media/<long id>/<filename>` to `req.user` and leaves uploads to the
   * application's own endpoint.
   */
  readonly media?: MediaHandler;
  /** Bounds on one `POST /api/reports`. @defaultValue {@link DEFAULT_REPORT_LIMITS} */
  readonly uploadLimits?: UploadLimits;
  /** Told about failures answered with a 5xx and uploads the client walked away from (for logging). */
  readonly onError?: (error: unknown) => void;
}

/** The upload limits of `POST /api/reports` unless {@link AppOptions.uploadLimits} says otherwise. */
export const DEFAULT_REPORT_LIMITS: Readonly<UploadLimits> = Object.freeze({
  maxFiles: 10,
  maxFileBytes: 25 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
});

/** An Express application with its reports, as {@link createApp} builds it. */
export interface ReportsApp {
  readonly app: Express;
  /** The application's own record of uploads. */
  readonly reports: ReportLog;
}

function send(response: Response, answer: HttpAnswer): void {
  // writeHead, not res.json/res.set: Express would rewrite the Content-Type of the 201.
  response.writeHead(answer.status, answer.headers).end(answerText(answer));
}

/** `STOWAGE_ABORTED` means the client went away: there is nobody left to answer. */
function sendFailure(response: Response, error: unknown, onError: (error: unknown) => void): void {
  if (isStowageError(error, 'STOWAGE_ABORTED') || response.headersSent) {
    onError(error);
    response.destroy();
    return;
  }
  const answer = failureAnswer(error);
  if (answer.status >= 500) onError(error);
  send(response, answer);
}

/** Failures Express and body-parser raise, as Stowage errors with the application's messages. */
function fromExpress(error: unknown): unknown {
  if (error instanceof URIError) return new StowageError('STOWAGE_INVALID_ARGUMENT', 'the URL is not valid percent-encoded UTF-8', { cause: error });
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new StowageError('STOWAGE_TOO_LARGE', JSON_TOO_LARGE_MESSAGE, { cause: error });
  if (typeof type === 'string') return new StowageError('STOWAGE_INVALID_ARGUMENT', TITLE_BODY_MESSAGE, { cause: error });
  return error;
}

/** A signal that aborts when the client goes away before the response is finished. */
function clientGone(response: Response): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Builds the reports application: its own routes around the Stowage media profile.
 *
 * Routes:
 * - `GET /api/health` → `{"status":"ok"}`.
 * - `POST /api/reports` (bearer token) → core's `uploadAnswer` receives the upload and answers
 *   the 201 (`Location: /media/<long id>/<filename>` and the JSON list of files); the application
 *   records who uploaded which long id (see {@link receiveReport}). Any failure answers its typed
 *   JSON error with `Connection: close` (408 for a stalled body) and stores nothing.
 * - `GET /api/reports` (bearer token) → `{"reports": [...]}`, the caller's own.
 * - `PATCH /api/reports/:id` (bearer token, JSON `{"title": "..."}`) → the updated report.
 * - `GET`/`HEAD /media/<long id>/<filename>` → the media profile, with `req.user` as the principal.
 * - Anything else → 404 JSON with `X-Fallback: app`.
 *
 * The media profile is mounted before any body parser (it streams upload bodies itself);
 * `express.json` parses only the JSON route's body. Routing is case-sensitive and strict.
 *
 * Errors (as core's JSON error answers): `STOWAGE_UNAUTHENTICATED` 401, `STOWAGE_INVALID_ARGUMENT`
 * and `STOWAGE_INVALID_PATH` 400, `STOWAGE_NOT_FOUND` 404, a stalled upload body 408,
 * `STOWAGE_TOO_LARGE` 413, 5xx with fixed texts.
 */
export function createApp(options: AppOptions): ReportsApp {
  const { stowage } = options;
  const users = new UserDirectory(options.users);
  const media = options.media ?? createHandler(stowage, { prefix: MEDIA_PREFIX });
  const limits = options.uploadLimits ?? DEFAULT_REPORT_LIMITS;
  const onError = options.onError ?? (() => undefined);
  const reports = new ReportLog();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  // The application's own authentication: an unknown or missing token simply leaves req.user unset.
  app.use((request: Request, _response: Response, next: NextFunction) => {
    const user = users.userOf(request.headers.authorization);
    if (user !== undefined) request.user = user;
    next();
  });

  // Before any body parser: the media profile reads request bodies itself.
  app.use(stowageMiddleware(media));

  app.get('/api/health', (_request, response) => {
    send(response, jsonAnswer(200, { status: 'ok' }));
  });

  // Streams its body into Stowage, so it too comes before the JSON parser. The only rejection,
  // STOWAGE_ABORTED (the client left), goes to the error handler below.
  const upload = { stowage, reports, limits, onError };
  app.post('/api/reports', async (request, response) => {
    send(response, await receiveReport(request, request.user, clientGone(response), upload));
  });

  const authenticated = (request: Request, _response: Response, next: NextFunction): void => {
    requireUser(request.user);
    next();
  };

  app.get('/api/reports', authenticated, (request, response) => {
    const user = requireUser(request.user);
    send(response, jsonAnswer(200, { reports: reports.listOf(user.name) }));
  });

  const jsonBody = express.json({
    limit: JSON_BODY_LIMIT,
    inflate: false,
    type: (request) => isJsonContentType(request.headers['content-type']),
  });
  app.patch('/api/reports/:id', authenticated, jsonBody, (request, response) => {
    const user = requireUser(request.user);
    const report = reports.retitle(String(request.params.id), user.name, parseTitleBody(request.body));
    send(response, jsonAnswer(200, report));
  });

  app.use((_request: Request, response: Response) => {
    send(response, notFoundAnswer());
  });

  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    sendFailure(response, fromExpress(error), onError);
  });

  return { app, reports };
}
