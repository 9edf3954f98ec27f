from wsjc_desktop.cli import main

raise SystemExit(main())
