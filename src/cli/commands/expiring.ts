import { EXIT } from "../../errors.js";
import { parseWindow } from "../../pki/expiring.js";
import { describeNotAfter } from "../../pki/validity.js";
import { readCrl } from "../../store/crl.js";
import { currentEntries } from "../../store/entries.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { table } from "../output.js";

/**
 * What expires within a window: the CA, the current certificate of each name
 * (an older renewed one or a revoked one needs nothing), and the CRL, whose
 * lapse would lock out every client that checks it. What has already expired
 * counts too: it still needs doing.
 */
export async function listExpiring(window: string, context: Context): Promise<CommandResult> {
  const until = parseWindow(window, context.now);
  const store = new CaStore(context.storeDir);
  store.readMeta();
  const entries = store.entries(context.now);
  const candidates = [
    ...entries.filter((entry) => entry.kind === "ca"),
    ...currentEntries(entries).filter((entry) => entry.status !== "revoked"),
  ];
  const due = candidates.filter((entry) => new Date(entry.notAfter).getTime() <= until.getTime());
  const crl = readCrl(store);
  const crlNextUpdate = crl?.nextUpdate;
  const crlDue = crlNextUpdate !== undefined && crlNextUpdate.getTime() <= until.getTime();
  const anything = due.length > 0 || crlDue;

  const rows = due.map((entry) => [entry.name, entry.kind, entry.serial, describeNotAfter(new Date(entry.notAfter))]);
  if (crlDue) rows.push(["(CRL)", "crl", "-", describeNotAfter(crlNextUpdate)]);
  const human = anything
    ? [
        `Due before ${describeNotAfter(until)} (within ${window}):`,
        table(["NAME", "KIND", "SERIAL", "EXPIRES"], rows),
        "",
        ...(due.some((entry) => entry.kind !== "ca") ? [`Renew: nutca renew --expiring ${window}`] : []),
        ...(crlDue ? ["Regenerate the CRL: nutca crl"] : []),
        ...(due.some((entry) => entry.kind === "ca") ? ["The CA itself expires: plan a new CA."] : []),
      ].join("\n")
    : `Nothing expires before ${describeNotAfter(until)} (within ${window}).`;
  const data = {
    window,
    until: until.toISOString(),
    due: anything,
    certificates: due,
    crl: crl ? { nextUpdate: crlNextUpdate?.toISOString() ?? null, due: crlDue } : null,
  };
  return { data, human, exitCode: anything ? EXIT.due : EXIT.ok };
}
