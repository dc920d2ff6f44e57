import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { createApp, type AppOptions } from '../../src/app.js';
import type { ReportLog } from '../../src/reports.js';

/** The example application listening on 127.0.0.1. */
export interface StartedApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly reports: ReportLog;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts `createApp(options)` on a free port of 127.0.0.1; stopped in teardown when `t` is given. */
export async function startApp(t: Test | undefined, options: AppOptions): Promise<StartedApp> {
  const { app, reports } = createApp(options);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  t?.teardown(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reports, server, close };
}
