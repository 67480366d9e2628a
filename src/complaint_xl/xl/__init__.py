"""complaint_xl inside Excel, through xlwings: the buttons (buttons.py) and the UDFs (udfs.py).

Both are thin: they read the open workbook in whole blocks and call the same API as
the command line. Only the BSD-licensed part of xlwings is used.
"""
