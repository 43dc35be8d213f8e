/**
 * The one place @peculiar/x509 is loaded and given the crypto engine
 * (engine.ts). The library needs reflect-metadata loaded first.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { engine } from "./engine.js";

x509.cryptoProvider.set(engine);

export { engine, x509 };
