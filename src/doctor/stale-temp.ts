/**
 * Temporary directories a killed nutca left (SIGKILL leaves no chance to
 * clean up): they may hold a server key, its PKCS#12 and the password to it.
 */
import { tmpdir } from "node:os";
import { staleTemps, TEMP_PREFIXES } from "../private-temp.js";
import { CheckBuilder, type DoctorCheck } from "./types.js";

export function staleTempCheck(parent = tmpdir()): DoctorCheck {
  const check = new CheckBuilder("temp.stale", "no secrets left in temporary directories by a killed nutca");
  for (const prefix of TEMP_PREFIXES) {
    for (const { path, pid } of staleTemps(parent, prefix)) {
      check.add(
        "warning",
        "stale-temp",
        `${path} was left by nutca process ${pid}, which is gone: it may hold a private key`,
        `remove it (rm -r ${path}); the next NSS export removes it too`,
        path,
      );
    }
  }
  return check.done();
}
