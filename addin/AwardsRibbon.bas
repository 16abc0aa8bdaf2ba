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
    ' RunPython passes the active workbook to Python, and the macros act on it, so a workbook must
    ' be open; without this check xlwings would fail with an unhelpful VBA error.
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open the award programme workbook first, then click the button again.", _
               vbExclamation, "Award Programme"
        Exit Sub
    End If
    ' Tags are plain Python identifiers (the builder checks this), so quoting them is safe.
    RunPython "import automation.macros as m; m.run('" & control.Tag & "')"
End Sub
