export { startDemoServer, type DemoServer } from './demo-server.js';
export { parseServeOptions, type ServeOptions } from './serve-options.js';
