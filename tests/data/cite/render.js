// citeproc-js (the reference CSL processor) renders CSL-JSON items with an official style, for
// tests/test_cite_tools.py: node render.js STYLE.csl LOCALE LOCALES_DIR < items.json prints
// {id: {bibliography, note}}, the plain text of the bibliography entry and of the first note.
const fs = require("fs");
const CSL = require("citeproc");
const [style, lang, localesDir] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = Object.fromEntries(items.map(i => [i.id, i]));
const sys = {
  retrieveLocale: l => { try { return fs.readFileSync(`${localesDir}/locales-${l}.xml`, "utf8"); } catch { return false; } },
  retrieveItem: id => byId[id],
};
const xml = fs.readFileSync(style, "utf8");
const out = {};
const engine = new CSL.Engine(sys, xml, lang, true);
engine.setOutputFormat("text");
for (const item of items) {
  engine.updateItems([item.id]);
  const bib = engine.makeBibliography();
  out[item.id] = {bibliography: bib ? bib[1].join("").trim() : null, note: engine.makeCitationCluster([{id: item.id}])};
}
process.stdout.write(JSON.stringify(out, null, 1));
