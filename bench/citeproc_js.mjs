// Render a CSL-JSON file's bibliography with the real citeproc-js.
//
//   node bench/citeproc_js.mjs STYLE.csl LOCALES_DIR ITEMS.json [--repeat N]
//
// Prints one JSON object on stdout:
//   {"citeproc_version", "locales", "bibstart", "bibend", "params", "seconds",
//    "compile_seconds", "render_seconds", "repeat", "entries": [{"id", "html"}, ...]}
// (times summed over the --repeat runs: compile = new CSL.Engine, render =
// updateItems + makeBibliography).
// `entries` is in citeproc-js's bibliography order (makeBibliography's
// entry_ids), each `html` the exact per-entry string of citeproc-js's default
// "html" output format. The items are registered with updateItems() in file
// order, so citation-number (and ties in sorted styles) follow the file.
// Locales come only from LOCALES_DIR (locales-<lang>.xml), the same files
// bibgen's engine ships. The engine is created as Zotero does: lang "en-US",
// no forceLang, so a style's default-locale wins (nature.csl: en-GB); a
// language without a file there falls back to en-US.
//
// citeproc is installed with `npm install --prefix bench citeproc`
// (bench/node_modules is gitignored; nothing at test time needs node).

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "package.json"));
const CSL = require("citeproc");

function main(argv) {
  const args = argv.slice(2);
  let repeat = 1;
  const pos = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--repeat") {
      repeat = Math.max(1, parseInt(args[++i], 10) || 1);
    } else {
      pos.push(args[i]);
    }
  }
  if (pos.length !== 3) {
    process.stderr.write("usage: node citeproc_js.mjs STYLE.csl LOCALES_DIR ITEMS.json [--repeat N]\n");
    process.exit(2);
  }
  const [stylePath, localesDir, itemsPath] = pos;
  const styleXml = readFileSync(stylePath, "utf8");
  const requested = new Set();
  const retrieveLocale = (lang) => {
    requested.add(lang);
    const path = join(localesDir, `locales-${lang}.xml`);
    return existsSync(path) ? readFileSync(path, "utf8") : false;
  };
  const text = readFileSync(itemsPath, "utf8");
  const items = JSON.parse(text);
  const ids = items.map((it) => String(it.id));
  if (new Set(ids).size !== ids.length) {
    throw new Error(`duplicate item ids in ${itemsPath}`);
  }

  let result = null;
  let compileNs = 0n;
  let renderNs = 0n;
  for (let r = 0; r < repeat; r++) {
    // Fresh copies each run: citeproc-js annotates the item objects it is given.
    const byId = new Map(JSON.parse(text).map((it) => [String(it.id), it]));
    const sys = {
      retrieveLocale,
      retrieveItem: (id) => byId.get(String(id)),
    };
    const t0 = process.hrtime.bigint();
    const engine = new CSL.Engine(sys, styleXml, "en-US");
    const t1 = process.hrtime.bigint();
    engine.updateItems(ids);
    result = engine.makeBibliography();
    const t2 = process.hrtime.bigint();
    compileNs += t1 - t0;
    renderNs += t2 - t1;
  }
  const compileSeconds = Number(compileNs) / 1e9;
  const renderSeconds = Number(renderNs) / 1e9;

  const [params, strings] = result;
  const order = params.entry_ids.map((group) => String(group[0]));
  if (order.length !== strings.length) {
    throw new Error("entry_ids and entries differ in length");
  }
  const entries = order.map((id, i) => ({ id, html: strings[i] }));
  const { bibstart, bibend, entry_ids, ...rest } = params;
  const out = {
    citeproc_version: CSL.PROCESSOR_VERSION,
    locales: [...requested].sort(),
    bibstart,
    bibend,
    params: rest,
    seconds: compileSeconds + renderSeconds,
    compile_seconds: compileSeconds,
    render_seconds: renderSeconds,
    repeat,
    entries,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

main(process.argv);
