import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { createHandler, isStowageError, StowageError, type HttpAnswer, type MediaHandler, type Stowage, type UploadLimits } from '@stowage/core';
import { stowageKoa } from '@stowage/koa';
import { answerText, failureAnswer, jsonAnswer, notFoundAnswer } from './json-answer.js';
import { readJsonBody } from './read-json.js';
import { receiveReport } from './report-upload.js';
import { MEDIA_PREFIX, parseTitleBody, ReportLog, TITLE_BODY_MESSAGE } from './reports.js';
import { requireUser, UserDirectory, type AppUser } from './users.js';

/** What the application's middleware keeps in `ctx.state`. */
export interface AppState {
  /** Set by the application's bearer-token check; Stowage's adapter reads it as the principal. */
  user?: AppUser;
}

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Where `POST /api/reports` stores uploads. */
  readonly stowage: Stowage;
  /** The application's users, by bearer token (see {@link UserDirectory}). */
  readonly users: Readonly<Record<string, AppUser>>;
  /**
   * The media profile, mounted at `/media`. Default: `createHandler(stowage)`, which serves
   * `GET`/`HEAD /media/<long id>/<filename>` to `ctx.state.user` and leaves uploads to the
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

/** A Koa application with its reports, as {@link createApp} builds it. */
export interface ReportsApp {
  readonly app: Koa<AppState>;
  /** The application's own record of uploads. */
  readonly reports: ReportLog;
}

type AppContext = Koa.ParameterizedContext<AppState>;

function send(context: AppContext, answer: HttpAnswer): void {
  context.status = answer.status;
  context.set(answer.headers);
  context.body = answerText(answer);
}

/** `STOWAGE_ABORTED` means the client went away: there is nobody left to answer. */
function sendFailure(context: AppContext, error: unknown, onError: (error: unknown) => void): void {
  if (isStowageError(error, 'STOWAGE_ABORTED') || context.headerSent) {
    onError(error);
    context.respond = false;
    context.res.destroy();
    return;
  }
  const answer = failureAnswer(error);
  if (answer.status >= 500) onError(error);
  send(context, answer);
}

/** A signal that aborts when the client goes away before the response is finished. */
function clientGone(context: Context): AbortSignal {
  const controller = new AbortController();
  context.res.once('close', () => {
    if (!context.res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Refuses a route parameter that is not valid percent-encoded UTF-8, as Express's router does. */
function wellEncodedPath(context: AppContext, next: Next): Promise<void> {
  try {
    decodeURIComponent(context.path);
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'the URL is not valid percent-encoded UTF-8', { cause: error });
  }
  return next();
}

function authenticated(context: AppContext, next: Next): Promise<void> {
  requireUser(context.state.user);
  return next();
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
 * - `GET`/`HEAD /media/<long id>/<filename>` → the media profile on the raw `ctx.req`/`ctx.res`
 *   (the adapter sets `ctx.respond = false`), with `ctx.state.user` as the principal.
 * - Anything else → 404 JSON with `X-Fallback: app`.
 *
 * Routing is case-sensitive and strict, and every answer matches the Express example's byte
 * for byte (apart from `Date`).
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
  const app = new Koa<AppState>();
  // Failures are answered (and reported through onError) below; Koa need not print them.
  app.silent = true;

  app.use(async (context, next) => {
    try {
      await next();
    } catch (error) {
      sendFailure(context, error, onError);
    }
  });

  // The application's own authentication: an unknown or missing token simply leaves the user unset.
  app.use((context, next) => {
    const user = users.userOf(context.get('authorization') || undefined);
    if (user !== undefined) context.state.user = user;
    return next();
  });

  app.use(stowageKoa(media));

  const router = new Router<AppState>({ sensitive: true, strict: true });

  router.get('/api/health', (context) => {
    send(context, jsonAnswer(200, { status: 'ok' }));
  });

  // The only rejection, STOWAGE_ABORTED (the client left), reaches the first middleware.
  const upload = { stowage, reports, limits, onError };
  router.post('/api/reports', async (context) => {
    send(context, await receiveReport(context.req, context.state.user, clientGone(context), upload));
  });

  router.get('/api/reports', authenticated, (context) => {
    const user = requireUser(context.state.user);
    send(context, jsonAnswer(200, { reports: reports.listOf(user.name) }));
  });

  router.patch('/api/reports/:id', wellEncodedPath, authenticated, async (context) => {
    const user = requireUser(context.state.user);
    const title = parseTitleBody(await readJsonBody(context.req, TITLE_BODY_MESSAGE));
    send(context, jsonAnswer(200, reports.retitle(context.params['id'] as string, user.name, title)));
  });

  app.use(router.routes());

  app.use((context) => {
    send(context, notFoundAnswer());
  });

  return { app, reports };
}
