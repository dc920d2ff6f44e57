export { CONTRACT_TOKENS, HTTP_CONTRACT_CASES, runHttpContract, type HttpContractOptions, type HttpSubject } from './run-http-contract.js';
export { rawRequest, type RawResponse } from './raw-request.js';
