import sys

from twinimpact.cli import main

sys.exit(main())
