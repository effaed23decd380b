// Validates each GLB named on the command line with the Khronos glTF Validator and prints one
// JSON line per file: {"file", "errors", "warnings", "infos", "messages": [first 20 issues]}.
import { readFile } from "node:fs/promises";
import validator from "gltf-validator";

for (const file of process.argv.slice(2)) {
  const bytes = new Uint8Array(await readFile(file));
  const report = await validator.validateBytes(bytes, { maxIssues: 200 });
  const issues = report.issues;
  console.log(JSON.stringify({
    file,
    errors: issues.numErrors,
    warnings: issues.numWarnings,
    infos: issues.numInfos,
    messages: issues.messages.slice(0, 20).map((m) => `${m.severity} ${m.code} ${m.pointer ?? ""}: ${m.message}`),
  }));
}
