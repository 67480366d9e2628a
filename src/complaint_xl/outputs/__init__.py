"""Everything complaint_xl writes: workbooks, HTML, e-mail drafts; always to new files."""
