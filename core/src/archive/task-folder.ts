import mime from 'mime-types';
import type { Stowage } from '../media/stowage.js';
import type { PutOptions, PutResult } from '../media/types.js';
import { StowageError } from '../stowage-error.js';
import type { ZipMember } from './entry-checks.js';
import { extract } from './extract.js';
import type { ExtractLimits } from './extract-limits.js';
import { installUnservedGuards, markUnserved } from './unserved.js';
import type { ZipInput } from './zip-input.js';

/** A member of a task folder as the export manifest sees it. */
export interface TaskFolderMember {
  /** Its path in the zip (NFC). */
  readonly path: string;
  /** Its filename in the flattened folder-like. */
  readonly filename: string;
}

/** Options of {@link importTaskFolder}. */
export interface TaskFolderOptions {
  /**
   * The manifest of exported files: the predefined list plus the uploader's public files. A list
   * item matches a member whose path or flattened filename it equals (after NFC); a predicate
   * decides per member.
   */
  readonly exported: readonly string[] | ((member: TaskFolderMember) => boolean);
  /** Options of the put (principal, visibility, readers, ...), for every member. */
  readonly put?: Omit<PutOptions, 'signal'>;
  /** The filename of a member in the folder-like. @defaultValue its last path segment */
  readonly flatten?: (path: string) => string;
  readonly limits?: Partial<ExtractLimits>;
  readonly signal?: AbortSignal;
}

/** What {@link importTaskFolder} answers. */
export interface TaskFolderImport {
  /** The long id of the folder-like. */
  readonly id: string;
  readonly put: PutResult;
  /** Filenames served like any member. */
  readonly exported: readonly string[];
  /** Filenames stored (hashed into the id, kept, swept, checked) but never served. */
  readonly unserved: readonly string[];
  /** Manifest list items that matched no member. */
  readonly missing: readonly string[];
}

function exportRule(exported: TaskFolderOptions['exported']): { matches: (member: TaskFolderMember) => boolean; missing: () => string[] } {
  if (typeof exported === 'function') return { matches: exported, missing: () => [] };
  if (!Array.isArray(exported) || !exported.every((item) => typeof item === 'string')) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options.exported must be an array of strings or a predicate');
  }
  const wanted = new Map(exported.map((item) => [item.normalize('NFC'), item]));
  const used = new Set<string>();
  return {
    matches: (member) => {
      const hit = [member.path, member.filename].find((name) => wanted.has(name));
      if (hit !== undefined) used.add(hit);
      return hit !== undefined;
    },
    missing: () => [...wanted].filter(([normalized]) => !used.has(normalized)).map(([, item]) => item),
  };
}

/**
 * Imports a task folder zip as one flattened folder-like (Media API task folders): every file
 * member is stored under one long id (the id hashes all of them); the members the manifest
 * exports are served like any upload, the others are stored but never served: they carry the
 * {@link UNSERVED_PARAMETER} in their content type, and the guard stages (installed on `stowage`
 * by this call, see {@link installUnservedGuards}) answer `STOWAGE_NOT_FOUND` for them on `open`,
 * `stat`, `list` and in folder archives.
 *
 * Behavior: extraction is {@link extract}'s, all or nothing; directories are dropped; two members
 * with the same flattened filename (after NFC and case folding) are `flatten-collision`.
 *
 * Errors: those of {@link extract} (`STOWAGE_REJECTED` naming the rule, ...);
 * `STOWAGE_INVALID_ARGUMENT` for a malformed manifest.
 */
export async function importTaskFolder(stowage: Stowage, zip: ZipInput, options: TaskFolderOptions): Promise<TaskFolderImport> {
  if (typeof options !== 'object' || options === null) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options must be an object');
  const rule = exportRule(options.exported);
  const flatten = options.flatten ?? ((path: string) => path.slice(path.lastIndexOf('/') + 1));
  installUnservedGuards(stowage);
  const served = new Set<string>();
  const describe = (member: ZipMember): { filename: string; contentType?: string } => {
    const filename = flatten(member.path);
    if (rule.matches({ path: member.path, filename })) {
      served.add(filename);
      return { filename };
    }
    return { filename, contentType: markUnserved(mime.lookup(filename) || 'application/octet-stream') };
  };
  const result = await extract(zip, {
    stowage,
    describe,
    ...(options.put === undefined ? {} : { put: options.put }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const filenames = result.members.map((member) => member.filename);
  return Object.freeze({
    id: result.put.id,
    put: result.put,
    exported: Object.freeze(filenames.filter((filename) => served.has(filename))),
    unserved: Object.freeze(filenames.filter((filename) => !served.has(filename))),
    missing: Object.freeze(rule.missing()),
  });
}
