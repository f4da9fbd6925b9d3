/** The stdio front: answers a client's first requests from kept answers while the full server loads. */
export { type HandedOver, openStdioFront, type ProtocolVersions, type StdioFront } from './front.js';
