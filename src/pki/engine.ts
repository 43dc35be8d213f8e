/**
 * The one crypto engine: @peculiar/webcrypto, the WebCrypto that
 * @peculiar/x509's README pairs it with. Every key, signature, digest and
 * certificate of nutca goes through it: x509.ts hands it to @peculiar/x509,
 * p12-read.ts to pkijs.
 */
import { Crypto } from "@peculiar/webcrypto";

export const engine: Crypto = new Crypto();

/** Gives pkijs (loaded only by the PKCS#12 reader) the same engine. */
export function setPkijsEngine(pkijs: typeof import("pkijs")): void {
  pkijs.setEngine("nutca", new pkijs.CryptoEngine({ name: "nutca", crypto: engine }));
}
