Attribute VB_Name = "ComplaintXL"
' Button macros of the complaint register; complaint_xl.vba builds them into the
' workbook. ASCII with CRLF line ends, as the VBA editor exports modules, so a
' module exported from Excel can replace this file unchanged.
'
' One macro per button: Application.Caller only yields "Button 1", "Button 2"...,
' so a dispatcher would hang on button numbering.
' Each RunPython string is a constant: no cell value or sheet name is ever
' spliced into Python code, so register content cannot inject code. Python
' reads what it needs from the calling workbook itself.
' RunPython and ImportPythonUDFs come from the embedded xlwings module, so the
' workbook needs neither the xlwings add-in nor a VBA reference to it.
Option Explicit

Public Sub CheckEntries()
    RunPython "import complaint_xl.xl.buttons as b; b.check_entries()"
End Sub

Public Sub ChaseOverdue()
    RunPython "import complaint_xl.xl.buttons as b; b.chase_overdue()"
End Sub

Public Sub WeeklyReport()
    RunPython "import complaint_xl.xl.buttons as b; b.weekly_report()"
End Sub

Public Sub ImportUdfs()
    ' Re-reads the Python UDF definitions, e.g. after complaint_xl is upgraded.
    ImportPythonUDFs
End Sub
