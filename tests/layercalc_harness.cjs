// Runs the calculator's arithmetic module (argv[2], normally docs/assets/javascripts/layercalc.js)
// on a job read as JSON from stdin, for tests/test_calculator.py:
//   {stacks, queries, written, axes} -> {evaluate, parse, toQuery, axes}
"use strict";
const path = require("path");
const calc = require(path.resolve(process.argv[2]));
let text = "";
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const job = JSON.parse(text);
  const out = {
    evaluate: job.stacks.map((s) => calc.evaluate(s)),
    parse: job.queries.map((q) => calc.parseQuery(q)),
    toQuery: job.written.map((s) => calc.toQuery(s)),
    axes: job.axes.map(([n, layer]) => calc.windowAxis(n, layer)),
  };
  process.stdout.write(JSON.stringify(out));
});
