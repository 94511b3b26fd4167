from customer_escalation.skill.cli import main

raise SystemExit(main())
