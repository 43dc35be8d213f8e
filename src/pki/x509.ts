/**
 * The one place @peculiar/x509 is loaded and given its crypto engine. The
 * library needs reflect-metadata loaded first; Node's own WebCrypto is the
 * engine (native, and RSA key generation does not block the event loop).
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

export const engine = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(engine);

export { x509 };
