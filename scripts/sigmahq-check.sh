#!/usr/bin/env bash
# Lints a SigmaHQ/sigma checkout (or any folder of Sigma rules) with this engine and prints
# how many documents are ok / unsupported / error, then the most common reasons.
# Usage: npm run build && scripts/sigmahq-check.sh PATH [TOP]   (TOP reasons shown, default 15)
set -euo pipefail
if [ $# -lt 1 ] || [ ! -e "$1" ]; then
  echo "usage: $0 PATH_TO_SIGMAHQ_CHECKOUT [TOP]" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")/.." && pwd)"
cli="$here/dist/cli/mdr.js"
[ -f "$cli" ] || { echo "$cli missing: run 'npm run build' first" >&2; exit 2; }
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# lint exits non-zero when a rule has an error; the NDJSON is still complete.
node "$cli" rules lint "$1" --json > "$out" || true
node -e '
const fs = require("fs");
const [file, top] = [process.argv[1], Number(process.argv[2] || 15)];
const rows = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const count = (xs) => [...xs.reduce((m, x) => m.set(x, (m.get(x) || 0) + 1), new Map())].sort((a, b) => b[1] - a[1]);
console.log(`documents: ${rows.length}`);
for (const [s, n] of count(rows.map((r) => r.status))) console.log(`  ${s}: ${n}`);
for (const status of ["error", "unsupported"]) {
  const some = rows.filter((r) => r.status === status);
  if (!some.length) continue;
  // Group reasons without the identifier/placeholder names that make each one unique.
  const shape = (r) => r.reason.replace(/\x27[^\x27]*\x27/g, "\x27…\x27").replace(/%[^%\s]+%/g, "%…%");
  console.log(`\ntop ${status} reasons:`);
  for (const [reason, n] of count(some.map(shape)).slice(0, top)) console.log(`  ${String(n).padStart(5)}  ${reason}`);
  if (status === "error") for (const r of some.slice(0, top)) console.log(`         ${r.file}: ${r.reason}`);
}
' "$out" "${2:-15}"
