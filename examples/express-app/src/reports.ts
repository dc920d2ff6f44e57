import type { PutResult } from '@stowage/core';
import { StowageError } from '@stowage/core';

/** Where the application mounts the Stowage media profile; upload answers point there. */
export const MEDIA_PREFIX = '/media';

/** One stored file of a report. */
export interface ReportFile {
  readonly filename: string;
  /** `/media/<long id>/<filename>`, each segment percent-encoded, as `createdResponse` builds it. */
  readonly url: string;
  readonly size: number;
  readonly contentType: string;
}

/** What the application remembers about one upload: who sent which long id. */
export interface Report {
  /** The long id Stowage gave the upload. */
  readonly id: string;
  /** The name of the user who uploaded it. */
  readonly owner: string;
  /** Set later through `PATCH /api/reports/:id`; `null` until then. */
  readonly title: string | null;
  readonly visibility: 'public' | 'private';
  /** ISO 8601, from the catalog entry. */
  readonly uploadedAt: string;
  readonly files: readonly ReportFile[];
}

/** The one message of every malformed `PATCH /api/reports/:id` body, whatever was wrong with it. */
export const TITLE_BODY_MESSAGE = 'the body must be a JSON object {"title": "<1 to 200 characters>"}';

const TITLE = /^[^\u0000-\u001f\u007f-\u009f]{1,200}$/u;
const LONG_ID = /^[0-9a-f]{64}$/;

/**
 * The title a `PATCH /api/reports/:id` body sets.
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` ({@link TITLE_BODY_MESSAGE}) unless the body is an object
 * whose only key is `title`, a string of 1 to 200 characters without control characters.
 */
export function parseTitleBody(body: unknown): string {
  const title = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { title?: unknown }).title : undefined;
  if (typeof title !== 'string' || !TITLE.test(title) || Object.keys(body as object).length !== 1) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', TITLE_BODY_MESSAGE);
  }
  return title;
}

/**
 * The application's own record of uploads, kept in memory (a real application would use its
 * database; Stowage's catalog keeps the files themselves).
 *
 * Behavior: reports are listed in upload order; a user sees and changes only their own, and
 * another user's report is answered exactly like a missing one.
 */
export class ReportLog {
  private readonly reports: Report[] = [];

  /**
   * Records an upload made by `owner` (its long id and committed entries, as a put answers them
   * or `Stowage.list` reads them back) and answers the new report.
   *
   * Errors: `STOWAGE_INVALID_ARGUMENT` for an upload without entries (a put never answers one).
   */
  add(owner: string, result: Pick<PutResult, 'id' | 'entries'>): Report {
    const first = result.entries[0];
    if (first === undefined) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'a put result without entries is no report');
    const report: Report = Object.freeze({
      id: result.id,
      owner,
      title: null,
      visibility: first.visibility,
      uploadedAt: first.createdAt.toISOString(),
      files: Object.freeze(
        result.entries.map((entry) =>
          Object.freeze({
            filename: entry.filename,
            url: `${MEDIA_PREFIX}/${encodeURIComponent(result.id)}/${encodeURIComponent(entry.filename)}`,
            size: entry.size,
            contentType: entry.contentType,
          }),
        ),
      ),
    });
    this.reports.push(report);
    return report;
  }

  /** The reports `owner` uploaded, oldest first. */
  listOf(owner: string): readonly Report[] {
    return this.reports.filter((report) => report.owner === owner);
  }

  /** Every report, oldest first. */
  all(): readonly Report[] {
    return [...this.reports];
  }

  /**
   * Sets the title of one of `owner`'s reports.
   *
   * Errors: `STOWAGE_NOT_FOUND` when `id` is not a long id, is unknown, or belongs to someone else.
   */
  retitle(id: string, owner: string, title: string): Report {
    const index = LONG_ID.test(id) ? this.reports.findIndex((report) => report.id === id && report.owner === owner) : -1;
    const current = this.reports[index];
    if (current === undefined) throw new StowageError('STOWAGE_NOT_FOUND', 'no such report');
    const updated = Object.freeze({ ...current, title });
    this.reports[index] = updated;
    return updated;
  }
}
