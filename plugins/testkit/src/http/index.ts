export { HTTP_CONTRACT_CASES, runHttpContract, type HttpContractOptions } from './run-http-contract.js';
export {
  CONTRACT_LIMITS,
  CONTRACT_TOKENS,
  type ContractFixture,
  type HttpContractCase,
  type HttpSubject,
  type StoredKey,
} from './contract-fixture.js';
export { ContractBackend, type ContractReadFault } from './contract-backend.js';
export { rawRequest, type RawResponse } from './raw-request.js';
export { openResponse, socketExchange, type SocketExchange } from './socket-client.js';
