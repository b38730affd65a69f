// Bibliography of CSL-JSON items in one style by citeproc-js, as a JSON list of
// {id, html} in bibliography order: node bench/citeproc_pages.js STYLE.csl ITEMS.json
// (npm install --prefix bench citeproc). Locales are bibgen's bundled files.
// Used to record tests/golden-csl/page-ranges/ (see its README).
const path = require('path');
const fs = require('fs');
const CSL = require(path.join(__dirname, 'node_modules', 'citeproc'));
const LOCALES = path.join(__dirname, '..', 'src', 'bibgen', 'data', 'locales');
const style = fs.readFileSync(process.argv[2], 'utf8');
const items = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const byId = Object.fromEntries(items.map(i => [i.id, i]));
const sys = {
  retrieveLocale: (lang) => {
    const p = path.join(LOCALES, `locales-${lang}.xml`);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : fs.readFileSync(path.join(LOCALES, 'locales-en-US.xml'), 'utf8');
  },
  retrieveItem: (id) => byId[id],
};
const engine = new CSL.Engine(sys, style, 'en-US');
engine.updateItems(items.map(i => i.id));
const [meta, entries] = engine.makeBibliography();
console.log(JSON.stringify(entries.map((html, i) => ({ id: meta.entry_ids[i][0], html }))));
