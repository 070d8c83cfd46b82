// Builds the front-end assets into portal/static/dist and portal/static/govuk.
// Run by `make assets` (through `npm run build`); the output is not committed.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "portal", "static", "dist");

mkdirSync(dist, { recursive: true });
const css = sass.compile(join(root, "portal", "static", "src", "app.scss"), {
  loadPaths: [join(root, "node_modules", "govuk-frontend", "dist")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
writeFileSync(join(dist, "app.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
// Images only: the GDS Transport font files are deliberately left behind.
cpSync(join(govuk, "assets", "images"), join(root, "portal", "static", "govuk", "assets", "images"), { recursive: true });
console.log("assets built in portal/static/dist");
