#!/usr/bin/env bash
# Start CUPS and make sure the cups-pdf virtual printer `OnestopPDF` exists, for the receipt
# print tests (crates/receipt/tests/print_cups.rs). Idempotent; needs root (or sudo).
# Packages: cups cups-bsd printer-driver-cups-pdf.
# Output PDFs land in $ONESTOP_CUPS_PDF_OUT (default /var/spool/cups-pdf/onestop).
set -euo pipefail

QUEUE="${ONESTOP_PRINTER:-OnestopPDF}"
OUT="${ONESTOP_CUPS_PDF_OUT:-/var/spool/cups-pdf/onestop}"
CONF=/etc/cups/cups-pdf.conf

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

for tool in cupsd lpadmin lpstat lp; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
        echo "cups.sh: $tool is missing; apt-get install -y cups cups-bsd printer-driver-cups-pdf" >&2
        exit 1
    fi
done
PPD=""
for p in /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd /usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd \
         /usr/share/cups/model/CUPS-PDF_opt.ppd /usr/share/cups/model/CUPS-PDF.ppd; do
    if [ -f "$p" ]; then PPD="$p"; break; fi
done
if [ -z "$PPD" ] || [ ! -e /usr/lib/cups/backend/cups-pdf ]; then
    echo "cups.sh: cups-pdf is missing; apt-get install -y printer-driver-cups-pdf" >&2
    exit 1
fi

# 1. cups-pdf writes every job to one known folder (not ${HOME}/PDF of whoever printed).
$SUDO mkdir -p "$OUT"
$SUDO chmod 1777 "$OUT"
conf_changed=0
if ! grep -qx "Out $OUT" "$CONF" 2>/dev/null; then
    $SUDO sed -i -e '/^Out /d' -e '/^AnonDirName /d' "$CONF"
    printf 'Out %s\nAnonDirName %s\n' "$OUT" "$OUT" | $SUDO tee -a "$CONF" >/dev/null
    conf_changed=1
fi

# 2. cupsd: there is no systemd here; `cupsd` daemonises itself.
cups_up() { lpstat -r 2>/dev/null | grep -q "is running"; }
if ! cups_up; then
    $SUDO /usr/sbin/cupsd
    for _ in $(seq 1 50); do cups_up && break; sleep 0.1; done
    cups_up || { echo "cups.sh: cupsd did not start" >&2; exit 1; }
fi

# 3. The queue.
if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
    $SUDO lpadmin -p "$QUEUE" -E -v cups-pdf:/ -P "$PPD" -D "Onestop test printer (cups-pdf)"
fi
# cups-pdf redistils PostScript with Ghostscript; cups-filters' default PDF->PS step turns the
# CID fonts into Type 3 fonts whose text no longer extracts. pdftocairo keeps real fonts with
# their Unicode maps, so the printed PDF can be checked with pdftotext.
$SUDO lpadmin -p "$QUEUE" -o pdftops-renderer-default=pdftocairo -o media-default=A4
$SUDO cupsenable "$QUEUE" 2>/dev/null || true
$SUDO cupsaccept "$QUEUE" 2>/dev/null || true
echo "cups.sh: cupsd running, queue $QUEUE ready, output in $OUT"
