// Builds assets/dist from npm packages (installed with the lock file) and our own sources.
// Nothing third-party is committed; nothing is loaded from a CDN at run time.
import { cpSync, mkdirSync, rmSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "assets", "dist");
const vendor = join(dist, "vendor");
rmSync(dist, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });

const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap.rtl.min.css"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js"],
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
];
for (const [from, to] of files) {
  cpSync(join(root, "node_modules", from), join(vendor, to));
}
const src = join(root, "assets", "src");
for (const name of readdirSync(src)) {
  cpSync(join(src, name), join(dist, name), { recursive: true });
}
console.log(`assets built into ${dist}`);
