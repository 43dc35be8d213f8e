/**
 * The NSS database of a client-side bundle (upsmon, nutauth): the CA trusted,
 * and the client's certificate and key when it has one. Loaded by build() only.
 */
import type { Authority, Identity } from "../../exports/bundle.js";
import type { NssMaterial } from "../../nut/nss-tools.js";

export async function clientNssMaterial(input: {
  readonly authority: Authority;
  readonly client: Identity | undefined;
  readonly installDir: string;
  readonly nickname: string;
  readonly password: string;
}): Promise<NssMaterial> {
  const [nss, common] = await Promise.all([import("../../nut/nss-tools.js"), import("../../exports/nut-common.js")]);
  const { authority, client, nickname, password } = input;
  common.checkNssConfig(input.installDir, nickname, password);
  return nss.nssMaterial({
    authority,
    certificates: common.nssCaCertificates(authority),
    password,
    identity: client && { identity: client, nickname, usage: "C" },
  });
}
