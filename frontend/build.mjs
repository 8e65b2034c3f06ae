// Builds static/build/: the compiled stylesheet, the GOV.UK and MoJ scripts and the
// images and fonts they refer to. Run by `make` whenever a front-end input changes.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "frontend", "app.scss"), {
  loadPaths: [root, modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), result.css);

cpSync(join(modules, "govuk-frontend/dist/govuk/assets"), join(out, "assets"), { recursive: true });
cpSync(join(modules, "@ministryofjustice/frontend/moj/assets"), join(out, "assets"), { recursive: true });
cpSync(join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(modules, "@ministryofjustice/frontend/moj/moj-frontend.min.js"), join(out, "moj-frontend.min.js"));
// Without its source-map comment: the map is not shipped, and collectstatic's manifest
// storage refuses a script that names a file it cannot find.
const autocomplete = readFileSync(join(modules, "accessible-autocomplete/dist/accessible-autocomplete.min.js"), "utf8");
writeFileSync(
  join(out, "accessible-autocomplete.min.js"),
  autocomplete.replace(/^\/\/# sourceMappingURL=.*$/gm, ""),
);
console.log(`front-end built in ${out}`);
