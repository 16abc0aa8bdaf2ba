Attribute VB_Name = "AwardsRibbon"
' Ribbon callback of the Award Programme add-in (source for workbook/award_programme.xlam;
' built by `python -m automation.excel.addin`).
'
' Every button in addin/ribbon.xml calls AwardsButton, and its tag names the Python macro to run
' (a key of automation.macros.MACROS). One callback keeps the VBA fixed: adding a button only
' touches ribbon.xml and macros.py. RunPython comes from the xlwings module built into this add-in
' and uses the interpreter set by `awards excel install`.
Option Explicit

Public Sub AwardsButton(control As IRibbonControl)
    ' RunPython names this add-in as the caller; the macros then act on the active workbook
    ' (see automation.macros), so one must be open: without this check the user would get an
    ' unhelpful error instead.
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open the award programme workbook first, then click the button again.", _
               vbExclamation, "Award Programme"
        Exit Sub
    End If
    ' Tags are plain Python identifiers (the builder checks this), so quoting them is safe.
    RunPython "import automation.macros as m; m.run('" & control.Tag & "')"
End Sub
