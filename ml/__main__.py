from ml.cli.main import main

raise SystemExit(main())
