// Batched KaTeX renderer for the build-time math hook (hooks/mathrender.py).
// Protocol: one JSON request per line on stdin: [[tex, displayMode], ...];
// one JSON response per line on stdout: [{"html": "..."} | {"error": "..."}, ...].
"use strict";
const katex = require("katex");
const readline = require("readline");

const options = (display) => ({
  displayMode: display,
  throwOnError: true,
  strict: "error",
  output: "htmlAndMathml",
  trust: false,
});

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
