"""The command line, ``complaint-xl``: thin over the jobs, for the coordinator's scheduled runs.

The commands are in :mod:`.app`; the options they share and the reading of typed days
and weeks in :mod:`.options`; the language and click's own texts in :mod:`.language`
and :mod:`.texts`; reading the register and stopping cleanly in :mod:`.running`;
progress on a terminal in :mod:`.progress`; validate's terminal view in
:mod:`.findings_view`.
"""

from complaint_xl.cli.app import cli, main

__all__ = ["cli", "main"]
