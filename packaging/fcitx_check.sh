#!/usr/bin/env bash
# Chinese input on a fcitx5 desktop (UOS, Kylin): with QT_IM_MODULE=fcitx as those desktops set it, the
# frozen FieldDesk must open an input context in a running fcitx5 (through the bundled ibus plugin and
# fcitx5's IBus portal, see desktop_app/install_check.input_method_env). Run inside X and a D-Bus session:
#   xvfb-run -a dbus-run-session -- bash packaging/fcitx_check.sh dist/fielddesk/fielddesk DATA_DIR
set -euo pipefail
FD=$1
DATA=$2
LOG=$(mktemp -d)
fcitx5 -d --disable=all --enable=ibusfrontend,dbus,xcb,keyboard 2>"$LOG/fcitx5.log" &
fcitx_pid=$!
gui_pid=""
trap 'kill $gui_pid $fcitx_pid 2>/dev/null || true; rm -rf "$LOG"' EXIT
for _ in $(seq 1 50); do  # fcitx5 is ready once it owns its D-Bus name
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.ListNames 2>/dev/null \
    | grep -q org.freedesktop.portal.IBus && break
  sleep 0.2
done
QT_IM_MODULE=fcitx XMODIFIERS=@im=fcitx QT_QPA_PLATFORM=xcb "$FD" --data-dir "$DATA" >"$LOG/gui.log" 2>&1 &
gui_pid=$!
for _ in $(seq 1 40); do
  info=$(dbus-send --session --print-reply --dest=org.fcitx.Fcitx5 /controller \
         org.fcitx.Fcitx.Controller1.DebugInfo 2>/dev/null || true)
  if echo "$info" | grep -q "frontend:ibus"; then
    echo "fcitx5: FieldDesk opened an input context ($(echo "$info" | grep -o 'IC \[[^]]*\][^"]*' | head -1))"
    exit 0
  fi
  sleep 0.5
done
echo "fcitx5 has no input context from FieldDesk after 20 s; fcitx5 said: $info" >&2
tail -5 "$LOG/gui.log" >&2
exit 1
