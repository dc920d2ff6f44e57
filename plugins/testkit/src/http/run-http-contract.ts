import type { MediaHandler } from '@stowage/core';
import type { TestHost } from '../run-backend-conformance.js';
import { BASIC_CASES } from './cases/basics.js';
import { FAULT_CASES } from './cases/faults.js';
import { PATH_CASES } from './cases/paths.js';
import { REFUSAL_CASES } from './cases/refusals.js';
import { RESPONSE_CASES } from './cases/responses.js';
import { UPLOAD_CASES } from './cases/uploads.js';
import { contractFixture, type HttpContractCase, type HttpSubject } from './contract-fixture.js';

/** Options of {@link runHttpContract}. */
export interface HttpContractOptions {
  /**
   * Starts the adapter around `handler` (the media profile at `/media`, token auth, uploads
   * on, the bounds of `CONTRACT_LIMITS`). Requests outside `/media` must reach the
   * application's own fallback, which answers 404 with the header `x-fallback: app`.
   */
  readonly start: (handler: MediaHandler) => Promise<HttpSubject>;
}

/**
 * Every case of the contract, by name: DESIGN section 3's statuses, headers and bodies, and
 * RELIABILITY.md D1-D33 and U1-U17 as far as a client can observe them. Each name starts with
 * the checklist numbers it covers. D25 (symlinked blobs) and D27 (bit rot) are backend and
 * fsck properties, tested with the local backend and the media core; U7, U8, U14 and U15 are
 * media-core and backend properties tested there.
 */
export const HTTP_CONTRACT_CASES: readonly HttpContractCase[] = Object.freeze([
  ...BASIC_CASES,
  ...PATH_CASES,
  ...REFUSAL_CASES,
  ...RESPONSE_CASES,
  ...FAULT_CASES,
  ...UPLOAD_CASES,
]);

/**
 * Runs the HTTP contract of the media profile against an adapter, on a fresh store and adapter
 * per case.
 */
export async function runHttpContract(t: TestHost, options: HttpContractOptions): Promise<void> {
  for (const contractCase of HTTP_CONTRACT_CASES) {
    await t.test(contractCase.name, {}, async () => {
      const setup = await contractFixture(options.start, contractCase.handlerLimits);
      try {
        await contractCase.run(setup);
      } finally {
        await setup.subject.close();
        await setup.stowage.close();
      }
    });
  }
}
