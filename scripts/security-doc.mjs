// Writes docs/security.md from the security notes (src/exports/security-*.ts), built into dist/ first.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { securityDoc, SECURITY_DOC_PATH } from "../dist/src/exports/security-render.js";

writeFileSync(fileURLToPath(new URL(`../${SECURITY_DOC_PATH}`, import.meta.url)), securityDoc());
