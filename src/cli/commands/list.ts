import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { table } from "../output.js";
import { describeStatus } from "../../store/entries.js";

export async function list(context: Context, options: { expiring?: string } = {}): Promise<CommandResult> {
  if (options.expiring !== undefined) return (await import("./expiring.js")).listExpiring(options.expiring, context);
  const store = new CaStore(context.storeDir);
  store.readMeta();
  const entries = store.entries(context.now);
  const rows = entries.map((entry) => [
    entry.name,
    entry.kind,
    entry.serial,
    entry.notAfter.startsWith("9999-12-31") ? "never" : entry.notAfter.replace(".000Z", "Z"),
    describeStatus(entry),
  ]);
  return {
    data: entries,
    human: table(["NAME", "KIND", "SERIAL", "NOT AFTER", "STATUS"], rows),
  };
}
