import sys

from nervetriage.cli import main

sys.exit(main())
