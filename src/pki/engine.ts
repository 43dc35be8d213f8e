import { webcrypto } from "node:crypto";

/** The WebCrypto engine: Node's own (native, and RSA key generation does not block the event loop). */
export const engine = webcrypto as unknown as Crypto;
