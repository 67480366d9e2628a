"""``python -m complaint_xl`` runs the command line."""

from complaint_xl.cli import main

main()
