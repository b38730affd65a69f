// usage: node run.js style.csl items.json locales_dir > out.json   (array of entry html strings)
const fs = require("fs");
const CSL = require("citeproc"); // NODE_PATH points at the installed package
const [styleP, itemsP, locDir] = process.argv.slice(2);
const style = fs.readFileSync(styleP, "utf8");
const items = JSON.parse(fs.readFileSync(itemsP, "utf8"));
const byId = {}; for (const it of items) byId[it.id] = it;
const sys = {
  retrieveLocale: (lang) => { try { return fs.readFileSync(`${locDir}/locales-${lang}.xml`, "utf8"); } catch (e) { return fs.readFileSync(`${locDir}/locales-en-US.xml`, "utf8"); } },
  retrieveItem: (id) => byId[id],
};
const engine = new CSL.Engine(sys, style, "en-US");
engine.updateItems(items.map(i => i.id));
const bib = engine.makeBibliography();
process.stdout.write(JSON.stringify({ids: bib[0].entry_ids.map(x => x[0]), entries: bib[1], meta: bib[0]}));
