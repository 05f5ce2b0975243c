"""/usr/bin/baodao runs this with Debian's python3 in isolated mode (-I): the app and its
bundled libraries come first, nothing from the user's or the system's site-packages."""

import sys

sys.path[0:0] = ["/opt/baodao/app", "/opt/baodao/lib"]

from desktop.cli import main  # noqa: E402

raise SystemExit(main(sys.argv[1:]))
