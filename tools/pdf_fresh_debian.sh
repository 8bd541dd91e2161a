#!/usr/bin/env bash
# Checks `make pdf`'s TeX install on a machine that has no TeX at all: a fresh Debian 12 (debootstrap,
# minbase) in a chroot, where tools/pdf_deps.py must install everything the PDF needs with apt-get and
# then XeLaTeX (latexmk, xindy) must compile the book's .tex from _build/latex (run `make pdf` here first).
#
#   sudo bash tools/pdf_fresh_debian.sh [/tmp/chroot-pdf]
#
# Needs root, debootstrap (installed with apt-get when missing) and the Debian mirror; about 2 GB of disk
# and 10 minutes. Exits non-zero if a package is still missing after the install or the PDF is not made.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
C="${1:-/tmp/chroot-pdf}"
test -f "$ROOT/_build/latex/nn-basics.tex" || { echo "сначала соберите PDF здесь: make pdf"; exit 2; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
test -x "$C/bin/bash" || debootstrap --variant=minbase bookworm "$C" http://deb.debian.org/debian
cp /etc/resolv.conf "$C/etc/resolv.conf"
mountpoint -q "$C/proc" || mount --bind /proc "$C/proc"
mountpoint -q "$C/dev" || mount --bind /dev "$C/dev"
trap 'umount "$C/proc" "$C/dev" 2>/dev/null || true' EXIT
rm -rf "$C/book" && mkdir -p "$C/book/tools"
cp "$ROOT/tools/pdf_deps.py" "$C/book/tools/"
cp -r "$ROOT/_build/latex" "$C/book/latex"
(cd "$C/book/latex" && rm -f ./*.pdf ./*.aux ./*.log ./*.toc ./*.fls ./*.fdb_latexmk ./*.xdv ./*.idx ./*.ind ./*.ilg ./*.out)
chroot "$C" /bin/bash -c '
  set -e
  export DEBIAN_FRONTEND=noninteractive
  command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 >/dev/null; }
  cd /book
  python3 tools/pdf_deps.py                   # installs with apt-get (root, Debian)
  python3 -c "import sys; sys.path.insert(0, \"tools\"); import pdf_deps; m = pdf_deps.missing(); print(\"не найдено:\", m); sys.exit(bool(m))"
  cd latex && make all-pdf > /book/latex-build.log 2>&1 || { tail -40 /book/latex-build.log; exit 1; }
  ls -la nn-basics.pdf
'
echo "PDF собран в чистом Debian: $C/book/latex/nn-basics.pdf"
