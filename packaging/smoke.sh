#!/usr/bin/env bash
# Smoke-test the frozen build that packaging/build.sh left in dist/ — what a clerk's first hour does:
# selftest, init, demo, print, Excel out and in, a signed bundle from a county to its prefecture, the GUI
# offscreen for 10 s, a newer database refused untouched, a damaged install named; then the .deb:
# dpkg -i, the installed selftest, dpkg -r (the data stays). Any failure exits non-zero, saying which step.
#
#   bash packaging/smoke.sh            # after bash packaging/build.sh
#   SMOKE_SKIP_DEB=1 bash packaging/smoke.sh   # without installing the .deb (not root, or no dpkg)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
APP=$ROOT/dist/fielddesk
FD=$APP/fielddesk
SAMPLE=$ROOT/tests/fixtures/samples/ledger.xlsx
W=$(mktemp -d)
export QT_QPA_PLATFORM=offscreen
unset FIELDDESK_DATA_DIR || true
# the platform default data folder must never be touched: point it at a folder checked at the end
export XDG_DATA_HOME=$W/xdg-data HOME=$W/home
mkdir -p "$HOME"
PY=$ROOT/.venv/bin/python
installed=""

fail() { echo "packaging/smoke.sh: 冒烟测试失败 (smoke test failed) at: $*" >&2; exit 1; }
steps=0
step() { echo "--> $*" >&2; STEP="$*"; steps=$((steps + 1)); }
cleanup() {
  if [ -n "$installed" ]; then dpkg -r fielddesk >/dev/null 2>&1 || true; fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'echo "packaging/smoke.sh: 冒烟测试失败 (smoke test failed) at: ${STEP:-start} (line $LINENO)" >&2' ERR

[ -x "$FD" ] || fail "no frozen build at $FD — run bash packaging/build.sh first"
json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ms() { date +%s%N | cut -c1-13; }

step "selftest on an empty folder: fails on the database (and so its audit log) only, creates nothing, < 10 s"
t0=$(ms)
if "$FD" --data-dir "$W/none" selftest --json > "$W/st0.json"; then fail "selftest passed without a database"; fi
t_selftest_empty=$(( $(ms) - t0 ))
[ "$(json '[c["name"] for c in d["checks"] if not c["ok"]]' < "$W/st0.json")" = "['database', 'audit']" ] \
  || fail "selftest on an empty folder: $(cat "$W/st0.json")"
[ ! -e "$W/none" ] || fail "selftest created $W/none"
[ "$t_selftest_empty" -lt 10000 ] || fail "selftest took ${t_selftest_empty} ms (limit 10 s)"

step "init"
"$FD" --data-dir "$W/county" init --office-code 532801 --office-name 景洪市乡村振兴局 --parent 532800 \
  --section 综合科 >/dev/null
"$FD" --data-dir "$W/pref" init --office-code 532800 --office-name 西双版纳州乡村振兴局 --level prefecture >/dev/null

step "selftest on the initialised folder passes, < 10 s"
t0=$(ms)
"$FD" --data-dir "$W/county" selftest > "$W/st1.txt" || fail "selftest: $(cat "$W/st1.txt")"
t_selftest=$(( $(ms) - t0 ))
grep -q "自检通过" "$W/st1.txt" || fail "selftest output: $(cat "$W/st1.txt")"
[ "$t_selftest" -lt 10000 ] || fail "selftest took ${t_selftest} ms (limit 10 s)"

step "demo"
t0=$(ms)
"$FD" --data-dir "$W/demo" demo --items 200 --json > "$W/demo.json"
t_demo=$(( $(ms) - t0 ))
[ "$(json 'd["issues"]' < "$W/demo.json")" = "200" ] || fail "demo: $(cat "$W/demo.json")"
# the demo office has accounts: commands and the GUI sign in as its 录入员 (folders without accounts ignore these)
export FIELDDESK_USER=luru FIELDDESK_PASSWORD=demo2026

step "print --kind ledger"
"$FD" --data-dir "$W/demo" print "$W/ledger.pdf" --kind ledger >/dev/null
[ -s "$W/ledger.pdf" ] || fail "print wrote no PDF"
if command -v pdftotext >/dev/null 2>&1; then
  pdftotext -l 1 "$W/ledger.pdf" "$W/ledger.txt"
  grep -q "问题清单" "$W/ledger.txt" || fail "the printed ledger has no 问题清单 title"
fi

step "document --kind ledger (Word, python-docx/lxml inside the build)"
"$FD" --data-dir "$W/demo" document "$W/ledger.docx" --kind ledger >/dev/null
"$PY" - "$W/ledger.docx" <<'EOF' || fail "the Word document does not hold the ledger"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    body = z.read("word/document.xml").decode("utf-8")
assert "问题清单" in body and body.count("<w:tr") > 100, body.count("<w:tr")
EOF

step "export-excel --kind ledger"
"$FD" --data-dir "$W/demo" export-excel "$W/ledger.xlsx" --kind ledger --json > "$W/export.json"
rows=$(json 'd["rows"]' < "$W/export.json")
# the demo's 200 items less the few it voids (a ledger export leaves voided items out)
[ "$rows" -ge 190 ] || fail "export-excel wrote $rows items of the demo's 200"
"$PY" - "$W/ledger.xlsx" "$rows" <<'EOF' || fail "the exported workbook does not hold the demo rows"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:  # a real xlsx zip; its first sheet has the items under 3 header rows
    assert z.testzip() is None
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
assert sheet.count("<row ") >= int(sys.argv[2]) + 3, sheet.count("<row ")
EOF

step "import-excel tests/fixtures/samples/ledger.xlsx"
"$FD" --data-dir "$W/county" import-excel "$SAMPLE" --kind ledger --json > "$W/import.json"
imported=$(json 'd["imported"]' < "$W/import.json")
[ "$imported" -gt 0 ] || fail "import-excel imported $imported rows"

step "rare name characters (䶮 𠮷 㛃 𫖯) print with the app's own fonts alone: no 〓, no warning"
"$PY" - "$SAMPLE" "$W/rare.xlsx" <<'EOF' || fail "could not make the rare-name sheet"
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
head = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value == "责任人" for c in r))
col = next(c.column for c in head if c.value == "责任人")
names = ["刘䶮", "吉𠮷", "赵㛃", "王𫖯"]
for i, row in enumerate(ws.iter_rows(min_row=head[0].row + 1, min_col=col, max_col=col)):
    if row[0].value:
        row[0].value = names[i % len(names)]
wb.save(sys.argv[2])
EOF
"$FD" --data-dir "$W/rare" init --office-code 532822 --office-name 勐海县乡村振兴局 >/dev/null
"$FD" --data-dir "$W/rare" import-excel "$W/rare.xlsx" --kind ledger >/dev/null
FIELDDESK_NO_SYSTEM_FONTS=1 FIELDDESK_FONT_CACHE="$W/fonts.json" \
  "$FD" --data-dir "$W/rare" print "$W/rare.pdf" --kind ledger --json > "$W/rare.json"
[ "$(json 'len(d.get("warnings", []))' < "$W/rare.json")" = "0" ] || fail "rare names printed with 〓: $(cat "$W/rare.json")"
if command -v pdftotext >/dev/null 2>&1; then
  pdftotext "$W/rare.pdf" "$W/rare.txt"
  grep -q "刘䶮" "$W/rare.txt" && grep -q "吉𠮷" "$W/rare.txt" || fail "the rare names are not in the printed text"
fi

step "export-bundle from the county, import-bundle at the prefecture"
"$FD" --data-dir "$W/pref" office-card "$W/pref.fdcard" >/dev/null
"$FD" --data-dir "$W/county" office-card "$W/county.fdcard" >/dev/null
fp=$("$FD" --data-dir "$W/county" trust "$W/pref.fdcard" --json | json 'd["fingerprint"]')
"$FD" --data-dir "$W/county" trust "$W/pref.fdcard" --fingerprint "$fp" >/dev/null
fp=$("$FD" --data-dir "$W/pref" trust "$W/county.fdcard" --json | json 'd["fingerprint"]')
"$FD" --data-dir "$W/pref" trust "$W/county.fdcard" --fingerprint "$fp" >/dev/null
"$FD" --data-dir "$W/county" export-bundle "$W/c.fdbundle" --to 532800 --json > "$W/export.json"
"$FD" --data-dir "$W/pref" import-bundle "$W/c.fdbundle" --json > "$W/importb.json"
[ "$(json 'd["status"]' < "$W/importb.json")" = "applied" ] || fail "import-bundle: $(cat "$W/importb.json")"
created=$(json 'd["tables"].get("issue", d["tables"].get("issues", {})).get("created", 0)' < "$W/importb.json")
[ "$created" = "$imported" ] || fail "the prefecture got $created ledger items, the county imported $imported"

step "GUI offscreen: main window with data shown (timed), then 10 s running without an error"
t_frozen=$(FIELDDESK_BENCH_SHOWN=1 timeout 60 "$FD" --data-dir "$W/demo" 2>"$W/gui0.err" | awk '/^ready/{print $2}')
[ -n "$t_frozen" ] || fail "the GUI never showed its data: $(tail -5 "$W/gui0.err")"
rc=0
timeout 10 "$FD" --data-dir "$W/demo" > "$W/gui.out" 2> "$W/gui.err" || rc=$?
[ "$rc" = 124 ] || fail "the GUI exited with $rc within 10 s: $(tail -5 "$W/gui.err")"
if grep -E "Traceback|Error|错误|QML|Could not" "$W/gui.err" "$W/gui.out"; then fail "the GUI printed an error"; fi

step "start-up: the frozen GUI against the same GUI from source (.venv), same data"
t_source=""
if [ -x "$ROOT/.venv/bin/fielddesk" ]; then
  t_source=$(FIELDDESK_BENCH_SHOWN=1 timeout 60 "$ROOT/.venv/bin/fielddesk" --data-dir "$W/demo" 2>/dev/null \
             | awk '/^ready/{print $2}')
fi
ratio=$("$PY" -c "import sys; f, s = sys.argv[1:]; print(f'{float(f) / float(s):.2f}' if s else '?')" \
        "$t_frozen" "${t_source:-}")

step "Chinese input: fcitx5 gets an input context from the frozen GUI (QT_IM_MODULE=fcitx, as on UOS/Kylin)"
if command -v fcitx5 >/dev/null 2>&1 && command -v xvfb-run >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  (unset DBUS_SESSION_BUS_ADDRESS; timeout 90 xvfb-run -a dbus-run-session -- bash "$ROOT/packaging/fcitx_check.sh" "$FD" "$W/demo") \
    2>&1 | grep -v "fd limit" || fail "fcitx5 input context"
else
  echo "    skipped: fcitx5, xvfb-run or dbus-run-session not installed (.ci/run installs them)" >&2
fi

step "a database from a newer version is refused, untouched"
cp -r "$W/county" "$W/newer"
"$PY" - "$W/newer/fielddesk.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE alembic_version SET version_num='9999'"); c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
EOF
before=$(sha256sum "$W/newer/fielddesk.db")
if "$FD" --data-dir "$W/newer" backup > "$W/newer.out" 2>&1; then fail "a newer database was opened"; fi
grep -q "更新版本" "$W/newer.out" || fail "no 更新版本 message: $(cat "$W/newer.out")"
[ "$(sha256sum "$W/newer/fielddesk.db")" = "$before" ] || fail "the newer database was changed"

step "a damaged install (font and xcb plugin removed) is named in Chinese, non-zero exit"
cp -a "$APP" "$W/damaged"
rm "$W/damaged/_internal/resources/fonts/wqy-microhei.ttc" "$W/damaged/_internal/PySide6/Qt/plugins/platforms/libqxcb.so"
if "$W/damaged/fielddesk" --data-dir "$W/county" selftest > "$W/damaged.out" 2>&1; then fail "selftest passed a damaged install"; fi
grep -q "安装不完整，缺少：中文字体 文泉驿微米黑" "$W/damaged.out" || fail "damaged font not named: $(cat "$W/damaged.out")"
grep -q "Qt 平台插件 xcb" "$W/damaged.out" || fail "damaged plugin not named: $(cat "$W/damaged.out")"
rm -rf "$W/damaged"

step "portable archive: data beside the program"
tar -C "$W" -xzf "$ROOT"/dist/FieldDesk-*-portable.tar.gz
P=$(echo "$W"/FieldDesk-*-portable)
[ -e "$P/portable" ] || fail "the portable archive has no portable marker"
"$P/fielddesk" init --office-code 532823 --office-name 勐腊县乡村振兴局 >/dev/null
[ -f "$P/data/fielddesk.db" ] || fail "portable init did not write $P/data/fielddesk.db"
mkdir -p "$W/home-portable"
(export HOME="$W/home-portable" XDG_DATA_HOME="$W/home-portable/.local/share" XDG_CONFIG_HOME="$W/home-portable/.config"
 FIELDDESK_BENCH_SHOWN=1 timeout 60 "$P/fielddesk" > "$W/portable-gui.out" 2>&1) \
  || fail "the portable GUI did not start: $(tail -5 "$W/portable-gui.out")"
[ -z "$(find "$W/home-portable" -iname '*fielddesk*')" ] \
  || fail "the portable GUI wrote into the profile: $(find "$W/home-portable" -iname '*fielddesk*')"
rm -rf "$P"

if [ -z "${SMOKE_SKIP_DEB:-}" ]; then
  step "dpkg -i the .deb, run the installed selftest, dpkg -r keeps the data"
  DEB=$(ls "$ROOT"/dist/fielddesk_*.deb)
  dpkg_retry() {  # other installs on a shared machine may hold the dpkg lock for a while
    for _ in $(seq 1 60); do
      if out=$("$@" 2>&1); then return 0; fi
      echo "$out" | grep -qi "lock" || { echo "$out" >&2; return 1; }
      sleep 5
    done
    return 1
  }
  dpkg_retry dpkg -i "$DEB" || fail "dpkg -i $DEB"
  installed=1
  [ -x /opt/fielddesk/fielddesk ] && [ -f /usr/share/applications/fielddesk.desktop ] || fail "installed files missing"
  [ ! -e /opt/fielddesk/portable ] || fail "the installed program is in portable mode"
  /usr/bin/fielddesk --data-dir "$W/county" selftest > "$W/inst.txt" || fail "installed selftest: $(cat "$W/inst.txt")"
  (cd "$W" && /usr/bin/fielddesk init --office-code 532824 --office-name 测试 >/dev/null)
  [ -f "$XDG_DATA_HOME/FieldDesk/fielddesk.db" ] || fail "the installed program did not use the user's data folder"
  dpkg_retry dpkg -r fielddesk || fail "dpkg -r fielddesk"
  installed=""
  [ ! -e /opt/fielddesk ] || fail "/opt/fielddesk is still there after dpkg -r"
  [ -f "$XDG_DATA_HOME/FieldDesk/fielddesk.db" ] || fail "dpkg -r removed the user's data"
  rm -rf "$XDG_DATA_HOME/FieldDesk"
fi

step "the platform default data folder was never touched (window preferences in ~/.config are not data)"
[ -z "$(find "$XDG_DATA_HOME" "$HOME/.local/share" -iname '*fielddesk*' 2>/dev/null)" ] \
  || fail "FieldDesk files appeared in the default data folder: $(find "$XDG_DATA_HOME" "$HOME/.local/share" -iname '*fielddesk*')"

echo "smoke: selftest ${t_selftest_empty} ms (empty) / ${t_selftest} ms, demo ${t_demo} ms;" \
     "GUI ready with data: frozen ${t_frozen} s, source ${t_source:-?} s (frozen/source ${ratio})"
echo "smoke: $steps passed, 0 failed"
