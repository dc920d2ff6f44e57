/**
 * The ReCodEx fileserver profile: submissions with their archives, result archives and SHA-1 task
 * files, wire-compatible with the original Flask fileserver, over any backend.
 *
 * @packageDocumentation
 */
export { createRecodexHandler, type RecodexHandler, type RecodexHandlerContext } from './recodex-handler.js';
export { RECODEX_MAX_FILES, resolveRecodexOptions, type RecodexHandlerOptions, type RecodexSettings } from './recodex-options.js';
export { createRecodexStore, type RecodexStore, type RecodexStoreOptions } from './recodex-store.js';
export { RecodexLayout } from './recodex-layout.js';
export {
  checkSubmissionId,
  checkSubmissionPath,
  checkTaskFieldName,
  isSubmissionId,
  isTaskHash,
  MAX_FIELD_NAME_BYTES,
  SUBMISSION_ID,
  TASK_HASH,
} from './recodex-names.js';
export { parseRecodexTarget, RECODEX_ROUTE_ROOTS, type RecodexTarget } from './recodex-target.js';
export { decideRecodex, type RecodexRequest, type RecodexScope } from './recodex-decide.js';
export { fileAnswer, type FileAnswerOptions } from './file-answer.js';
export { readMultipartFiles, type FilePartHandler, type RequestHeaders } from './multipart-files.js';
export { pythonJson, type FlatJson } from './python-json.js';
export { beginSubmission, foldersOf, type SubmissionCommit, type SubmissionScope, type SubmissionUpload } from './submission-upload.js';
export { writeSubmissionArchive, type SubmissionArchiveOptions } from './submission-archive.js';
export { okAnswer, resultAnswer, submissionAnswer, tasksAnswer, uploadFailure, type UploadRequest, type UploadScope } from './upload-answers.js';
