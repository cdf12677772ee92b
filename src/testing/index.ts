/** Test helpers for apps built on Sotto: `import { FakeTransport } from 'sotto/testing'`. */
export { FakeTransport, defaultScript } from './fake-transport.ts';
export type { FakeScript, FakeTransportOptions, ScriptedServerEvent } from './fake-transport.ts';
