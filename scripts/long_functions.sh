#!/usr/bin/env bash
# Lists the functions of src/ longer than N lines (default 100), longest first, and the largest
# files. Uses universal-ctags' end lines (a function's lines from its signature to its closing
# brace, comments and blank lines included; lambdas are listed as __anon...).
# usage: scripts/long_functions.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-100}
echo "functions over $limit lines:"
ctags --fields=+ne --kinds-c++=f -o - -R src 2>/dev/null |
  awk -F'\t' -v lim="$limit" '{n="";e="";for(i=4;i<=NF;i++){if($i~/^line:/)n=substr($i,6);if($i~/^end:/)e=substr($i,5)}
       if(e!="" && e-n+1>lim) print e-n+1, $2":"n, $1}' | sort -rn
echo "largest files:"
git ls-files 'src/*.cpp' 'src/*.h' | xargs wc -l | grep -v ' total$' | sort -rn | head -5
