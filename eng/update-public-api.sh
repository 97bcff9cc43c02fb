#!/usr/bin/env bash
# Declares every new public symbol of the src/ projects in their PublicAPI.Unshipped.txt (RS0016), and drops entries
# for symbols that no longer exist (RS0017). Run it after a deliberate change of the public surface, then review
# the diff of PublicAPI.*.txt: every line there is a public API decision.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in "${@:-src/*/*.csproj}"; do
  for p in $proj; do
    dir=$(dirname "$p")
    out=$(dotnet build "$p" --no-incremental 2>&1 || true)
    echo "$out" | grep -E "$dir/.*error RS0016" | sed -E "s/.*Symbol '(.*)' is not part of the declared public API.*/\1/" | sort -u > /tmp/rs0016.txt || true
    if [ -s /tmp/rs0016.txt ]; then
      cat /tmp/rs0016.txt >> "$dir/PublicAPI.Unshipped.txt"
      echo "$dir: declared $(wc -l < /tmp/rs0016.txt) symbol(s)"
    fi
    echo "$out" | grep -E "$dir/.*error RS0017" | sed -E "s/.*Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*/\1/" | sort -u > /tmp/rs0017.txt || true
    if [ -s /tmp/rs0017.txt ]; then
      grep -vxF -f /tmp/rs0017.txt "$dir/PublicAPI.Unshipped.txt" > /tmp/unshipped.txt || true
      cp /tmp/unshipped.txt "$dir/PublicAPI.Unshipped.txt"
      echo "$dir: removed $(wc -l < /tmp/rs0017.txt) symbol(s)"
    fi
    { head -1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | sort -u; } > /tmp/sorted.txt && cp /tmp/sorted.txt "$dir/PublicAPI.Unshipped.txt"
  done
done
