from awsexplorer.cli import main

raise SystemExit(main())
