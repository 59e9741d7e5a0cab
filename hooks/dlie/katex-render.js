// Batched KaTeX renderer for the build-time math stage (hooks/dlie/mathrender.py).
// Usage: node katex-render.js '<options JSON>' (KaTeX's render options; displayMode is per formula).
// Protocol: one JSON request per line on stdin: [[tex, displayMode], ...];
// one JSON response per line on stdout: [{"html": "..."} | {"error": "..."}, ...].
"use strict";
const katex = require("katex");
const readline = require("readline");

const base = JSON.parse(process.argv[2] || "{}");
const options = (display) => ({ ...base, displayMode: display });

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let items;
  try {
    items = JSON.parse(line);
  } catch (e) {
    process.stdout.write(JSON.stringify({ fatal: String(e) }) + "\n");
    return;
  }
  const out = items.map(([tex, display]) => {
    try {
      return { html: katex.renderToString(tex, options(Boolean(display))) };
    } catch (e) {
      return { error: e instanceof katex.ParseError ? e.message : String(e) };
    }
  });
  process.stdout.write(JSON.stringify(out) + "\n");
});
