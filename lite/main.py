"""# 客户投诉登记表 · complaint_xl

**校验**、**催办**、**周报**：在上方选择脚本，填好截至日期（留空 = 今天）和语言，点按钮运行。
结果写入“检查结果”“催办”“周报”表，不会改动登记表中的内容，也不会在电脑上存任何文件。

函数：`CXL_WORKDAYS`、`CXL_DEADLINE`、`CXL_STATUS`、`CXL_FINDINGS`、`CXL_KPI`。

Check, chase and weekly report for the complaint register (complaint_xl for xlwings Lite).
"""

# xlwings Lite registers the scripts and functions that this module holds: they come
# from the complaint-xl package that requirements.txt installs.
from complaint_xl.xl.lite import (  # noqa: F401
    chase_overdue,
    check_entries,
    cxl_deadline,
    cxl_findings,
    cxl_kpi,
    cxl_status,
    cxl_workdays,
    weekly_report,
)
