"""Print one closing line, `tests: N passed, N failed, N skipped`, from JUnit XML reports
(the suite's, and the browser session's where it ran)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(*reports: Path) -> int:
    suites: list[ET.Element] = []
    for report in reports:
        root = ET.parse(report).getroot()  # noqa: S314 - our own pytest report, not untrusted
        suites += [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    passed = total - failed - skipped
    print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(*(Path(arg) for arg in sys.argv[1:])))
