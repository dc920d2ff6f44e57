/**
 * The HTTP face of Stowage: the framework-neutral media handler, its authentication strategies
 * and upload reader. Adapters (Express, Koa, node:http, fetch) are thin layers over these.
 *
 * @packageDocumentation
 */
export { createHandler, type MediaHandler, type MediaHandlerContext } from './media-handler.js';
export {
  normalizePrefix,
  type DeliveryMode,
  type MediaHandlerOptions,
  type StreamDelivery,
  type XAccelDelivery,
  type XSendfileDelivery,
} from './handler-options.js';
export { DEFAULT_HANDLER_LIMITS, type HandlerLimits } from './handler-limits.js';
export { applyServerLimits, MAX_HEADER_BYTES, type ServerLimits } from './server-limits.js';
export { DEFAULT_CHALLENGE } from './authenticate.js';
export { MAX_REQUEST_TARGET_LENGTH, parseMediaTarget, type MediaTarget } from './media-target.js';
export { asciiFallback, dispositionOf, SANDBOX_CSP, servedContentType } from './entry-headers.js';
export { canonicalUrl, internalUri } from './read-answer.js';
export { errorAnswer, jsonErrorAnswer, type HttpAnswer, type StreamedBody } from './http-answer.js';
export { uploadAnswer, type UploadAnswerOptions } from './upload-answer.js';
export { isClientStall } from './upload/guarded-body.js';
export * from './auth/index.js';
export * from './upload/index.js';
