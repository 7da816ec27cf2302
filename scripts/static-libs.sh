#!/usr/bin/env bash
# Makes DIR hold links to the static archives of the C and C++ libraries corral links
# (libstdc++, ncursesw, tinfo, libcap). The release build puts DIR first on the linker's search
# path, so `-lstdc++`, `-lncursesw`, ... take the archive: the binary then loads no shared
# library but libc and libm, which takes ~0.5 ms off every start (bench/FINDINGS.md, seventh
# round). A library whose archive is missing is left out: it is linked as a shared one.
set -euo pipefail
dir=${1:?usage: static-libs.sh DIR}
mkdir -p "$dir"
for lib in libstdc++.a libncursesw.a libtinfo.a libcap.a; do
    path=$(clang -print-file-name="$lib" 2>/dev/null || true)
    if [ -n "$path" ] && [ "$path" != "$lib" ] && [ -f "$path" ]; then
        ln -sfn "$path" "$dir/$lib"
    else
        rm -f "$dir/$lib"
        echo "static-libs: no $lib here; corral links its shared library instead" >&2
    fi
done
