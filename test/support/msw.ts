import { setupServer } from 'msw/node';

/**
 * The one msw server of a test file. It listens with `onUnhandledRequest: 'error'` (see msw-setup.ts), so a test
 * that makes a request it did not mock fails; tests add their handlers with `mockServer.use(...)`.
 */
export const mockServer = setupServer();
