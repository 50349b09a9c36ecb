#!/usr/bin/env bash
# Build FieldDesk for Linux: the PyInstaller one-folder app, a .deb, a portable .tar.gz, a build report.
#
#   bash packaging/build.sh            # everything lands in dist/
#
# Uses .venv (made like scripts/test.sh does if missing) with the `packaging` extra (pyinstaller).
# Needs binutils (readelf/objdump) and dpkg-deb. Prints the build report at the end; it is also
# written to dist/build-report.txt (and dist/build-report.json for scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}

fail() { echo "packaging/build.sh: 构建失败 (build failed): $*" >&2; exit 1; }
step() { echo "==> $*" >&2; }

for tool in readelf objdump dpkg-deb tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || fail "missing tool '$tool' (apt-get install binutils dpkg tar gzip)"
done

if [ ! -x .venv/bin/python ]; then
  step "making .venv"
  "$PY" -m venv .venv || fail "could not make .venv with $PY"
fi
step "installing FieldDesk with the packaging extra (pyinstaller)"
.venv/bin/python -m pip install -q -e ".[packaging]" >/dev/null || fail "pip install -e .[packaging] failed"

VERSION=$(.venv/bin/python -c 'import desktop_app; print(desktop_app.__version__)')
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
MACHINE=$(uname -m)
export FIELDDESK_BUILD_DATE=${FIELDDESK_BUILD_DATE:-$(date '+%Y-%m-%d %H:%M')}
export FIELDDESK_BUILD_COMMIT=${FIELDDESK_BUILD_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo "")}

APP=dist/fielddesk
rm -rf "$APP" dist/deb-root
rm -f dist/fielddesk_*.deb dist/FieldDesk-*-portable.tar.gz dist/build-report.*  # never test a stale artefact
mkdir -p dist build
# rare name characters (CJK Ext A–F) print on every computer: Hanazono Mincho A/B ride in resources/fonts/extra
step "rare-character fonts (Hanazono Mincho A/B, from Debian's fonts-hanazono)"
HANA=/usr/share/fonts/truetype/hanazono
for f in HanaMinA.ttf HanaMinB.ttf; do
  [ -f "$HANA/$f" ] || fail "missing $HANA/$f (apt-get install fonts-hanazono)"
  cp "$HANA/$f" resources/fonts/extra/
done
cp /usr/share/doc/fonts-hanazono/copyright resources/fonts/extra/LICENSE-hanazono.txt
step "PyInstaller one-folder build (packaging/fielddesk.spec)"
t0=$(date +%s)
if ! .venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
     packaging/fielddesk.spec > build/pyinstaller.log 2>&1; then
  tail -40 build/pyinstaller.log >&2
  fail "PyInstaller failed; full log: build/pyinstaller.log"
fi
t_freeze=$(( $(date +%s) - t0 ))
[ -x "$APP/fielddesk" ] || fail "PyInstaller produced no $APP/fielddesk (see build/pyinstaller.log)"
find "$APP" -name HanaMinA.ttf | grep -q . || fail "the rare-character fonts are not in the frozen build"

step "checking the frozen build (every registry module inside, selftest of the install files)"
# a module named in a registry but absent from the freeze is exactly the 功能尚未提供 bug: refuse the build
for mod in $(.venv/bin/python packaging/registries.py); do
  grep -q "'$mod'" build/pyinstaller/fielddesk/PYZ-00.toc || fail "registry module $mod is not in the frozen build"
done
tmpdata=$(mktemp -d)
if ! QT_QPA_PLATFORM=offscreen "$APP/fielddesk" --data-dir "$tmpdata" selftest --json > build/selftest.json; then
  # no database yet is expected; anything else failing is a broken build
  .venv/bin/python - build/selftest.json <<'EOF' || fail "the frozen selftest failed: $(cat build/selftest.json)"
import json, sys
checks = {c["name"]: c for c in json.load(open(sys.argv[1], encoding="utf-8"))["checks"]}
bad = [f"{n}: {c['detail']}" for n, c in checks.items() if not c["ok"] and n not in ("database", "audit")]
sys.exit("\n".join(bad) if bad else 0)
EOF
fi
rm -rf "$tmpdata"

# --- .deb: /opt/fielddesk + desktop entry + icon (packaging/README.md says why not /opt/apps) -------------
step ".deb"
DEB_ROOT=dist/deb-root
mkdir -p "$DEB_ROOT/DEBIAN" "$DEB_ROOT/opt" "$DEB_ROOT/usr/bin" "$DEB_ROOT/usr/share/applications" \
         "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps" "$DEB_ROOT/usr/share/doc/fielddesk"
cp -a "$APP" "$DEB_ROOT/opt/fielddesk"
rm -f "$DEB_ROOT/opt/fielddesk/portable"  # an installed copy keeps data in each user's own folder
ln -s /opt/fielddesk/fielddesk "$DEB_ROOT/usr/bin/fielddesk"
install -m 644 packaging/linux/fielddesk.desktop "$DEB_ROOT/usr/share/applications/fielddesk.desktop"
install -m 644 resources/icons/fielddesk.svg "$DEB_ROOT/usr/share/icons/hicolor/scalable/apps/fielddesk.svg"
install -m 644 resources/fonts/LICENSE-wqy-microhei.txt "$DEB_ROOT/usr/share/doc/fielddesk/"
GLIBC_FLOOR=$(.venv/bin/python packaging/report.py glibc-floor "$APP")
[ -n "$GLIBC_FLOOR" ] || fail "could not read the glibc floor of $APP"
INSTALLED_KB=$(du -sk "$DEB_ROOT" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/$GLIBC_FLOOR/" -e "s/@SIZE@/$INSTALLED_KB/" \
    packaging/linux/control.in > "$DEB_ROOT/DEBIAN/control"
install -m 755 packaging/linux/postinst packaging/linux/postrm "$DEB_ROOT/DEBIAN/"
DEB=dist/fielddesk_${VERSION}_${ARCH}.deb
# gzip, not xz or zstd: UOS 20 / Kylin V10 ship dpkg 1.19, which cannot read zstd, and xz takes minutes here
dpkg-deb --root-owner-group -Zgzip -z6 --build "$DEB_ROOT" "$DEB" >/dev/null || fail "dpkg-deb failed"
rm -rf "$DEB_ROOT"

# --- portable archive: the same folder with a `portable` marker, so data stays beside the program ---------
step "portable .tar.gz"
PORT_NAME=FieldDesk-${VERSION}-linux-${MACHINE}-portable
rm -rf "dist/$PORT_NAME"
cp -a "$APP" "dist/$PORT_NAME"
: > "dist/$PORT_NAME/portable"
install -m 644 packaging/linux/README-portable.txt "dist/$PORT_NAME/使用说明.txt"
TGZ=dist/$PORT_NAME.tar.gz
tar -C dist -cf - "$PORT_NAME" | gzip -6 > "$TGZ" || fail "tar failed"
rm -rf "dist/$PORT_NAME"

step "build report"
.venv/bin/python packaging/report.py report "$APP" "$DEB" "$TGZ" --freeze-seconds "$t_freeze" \
  --json dist/build-report.json | tee dist/build-report.txt
