"""callgrind_annotate's per-function table of one callgrind file, for diff.py and
components.py: {function: instructions} (self, or inclusive), and the program's total."""
import re
import subprocess


def table(path, inclusive=False):
    text = subprocess.run(
        ["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100", path],
        capture_output=True, text=True, check=True).stdout
    rows, total = {}, None
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$", line)
        if not m:
            continue
        ir, name = int(m.group(1).replace(",", "")), m.group(2).strip()
        if name.startswith("PROGRAM TOTALS"):
            total = ir
            continue
        # The object file's name, and the binary after the function, go.
        name = re.sub(r"^[^:]*:", "", name, count=1) if re.match(r"^(\?\?\?|/|\./)", name) else name
        name = re.sub(r" \[[^\]]*\]$", "", name)
        rows[name] = rows.get(name, 0) + ir
    return rows, total
