/**
 * Receiving uploads over HTTP: multipart and raw bodies into `stowage.put`, and the 201 answer.
 *
 * @packageDocumentation
 */
export { createdResponse, type CreatedResponse } from './created-response.js';
export { checkUploadFilename } from './filename.js';
export { resolveUploadLimits, type ResolvedUploadLimits, type UploadLimits } from './limits.js';
export { receiveUpload, type ReceiveUploadOptions } from './receive-upload.js';
