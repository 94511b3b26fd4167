from .skill.cli import main

raise SystemExit(main())
